import { describe, expect, test } from "vitest";
import { isValidMnemonic, MnemonicError, parseMnemonic, validateMnemonic } from "./index.ts";
import { vectors } from "./testVectors.ts";

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
};

describe("validateMnemonic against TON vectors", () => {
  test.each(vectors.valid.map((v) => [v.words]))("accepts %s", (words) => {
    expect(() => validateMnemonic(words.split(" "))).not.toThrow();
    expect(isValidMnemonic(words.split(" "))).toBe(true);
  });

  test.each(vectors.invalid.map((v) => [v.why, v]))("refuses: %s", (_why, v) => {
    const err = errorOf(() => validateMnemonic(v.words.split(" ")));
    expect(err).toBeInstanceOf(MnemonicError);
    expect((err as MnemonicError).code).toBe(v.code);
    if (v.word !== undefined) {
      expect((err as MnemonicError).message).toContain(`word ${v.position} "${v.word}"`);
    }
    expect(isValidMnemonic(v.words.split(" "))).toBe(false);
  });
});

describe("validateMnemonic", () => {
  const words = vectors.valid[0].words.split(" ");

  test("ignores case and surrounding spaces in each word, as TON does", () => {
    expect(isValidMnemonic(words.map((w, i) => (i % 2 ? ` ${w.toUpperCase()}` : w)))).toBe(true);
  });

  test("names the word count it found", () => {
    expect((errorOf(() => validateMnemonic([])) as Error).message).toContain("has 0");
  });

  test("refuses the same words in another order", () => {
    const swapped = [words[1], words[0], ...words.slice(2)];
    const rotated = [...words.slice(1), words[0]];
    // A reordering passes by chance for 1 phrase in 256; for this vector these two do not.
    expect(isValidMnemonic(swapped)).toBe(false);
    expect(isValidMnemonic(rotated)).toBe(false);
  });

  test("throws TypeError on misuse, not MnemonicError", () => {
    expect(() => validateMnemonic("abandon ability" as unknown as string[])).toThrow(TypeError);
    expect(() => isValidMnemonic([1 as unknown as string])).toThrow(TypeError);
  });
});

describe("parseMnemonic", () => {
  test("trims, lower-cases and splits on any whitespace", () => {
    expect(parseMnemonic("  Abandon\tABILITY\n\n able \r\n")).toEqual(["abandon", "ability", "able"]);
  });

  test("gives no words for blank text", () => {
    expect(parseMnemonic(" \n\t ")).toEqual([]);
  });

  test("round-trips a vector phrase pasted one word per line", () => {
    const words = vectors.valid[1].words.split(" ");
    expect(parseMnemonic(words.join("\n").toUpperCase())).toEqual(words);
  });

  test("throws TypeError for a non-string", () => {
    expect(() => parseMnemonic(undefined as unknown as string)).toThrow(TypeError);
  });
});
