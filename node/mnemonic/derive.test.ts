import { describe, expect, test } from "vitest";
import { MnemonicError, mnemonicToKeyPair, mnemonicToSeed, parseMnemonic } from "./index.ts";
import { hex, vectors } from "./testVectors.ts";

// Each derivation runs 100 000 PBKDF2 rounds (~100 ms), so these tests stay few.
describe("mnemonicToKeyPair against TON vectors", () => {
  test.each(vectors.valid.map((v) => [v.words, v]))("derives the TON key pair of %s", (_words, v) => {
    const pair = mnemonicToKeyPair(v.words.split(" "));
    expect(hex(pair.secretKey)).toBe(v.seed);
    expect(hex(pair.publicKey)).toBe(v.publicKey);
  });
});

describe("mnemonicToSeed", () => {
  test("gives the 32-byte seed of the vector, also from pasted mixed-case text", () => {
    const v = vectors.valid[2];
    const seed = mnemonicToSeed(parseMnemonic(`\n ${v.words.toUpperCase().replaceAll(" ", "  \t")}\n`));
    expect(seed).toBeInstanceOf(Uint8Array);
    expect(hex(seed)).toBe(v.seed);
  });

  test("refuses an invalid phrase instead of deriving a key from it", () => {
    for (const v of vectors.invalid) {
      expect(() => mnemonicToSeed(v.words.split(" "))).toThrow(MnemonicError);
      expect(() => mnemonicToKeyPair(v.words.split(" "))).toThrow(MnemonicError);
    }
  });
});
