import { createHash } from "node:crypto";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { describe, expect, test } from "vitest";
import { generateMnemonic, isValidMnemonic, MNEMONIC_WORD_COUNT } from "./index.ts";

/** Deterministic byte stream (SHA-256 in counter mode) so each run draws the same phrases. */
function seededRandom(seed: string): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 32) {
      const block = createHash("sha256").update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - i)), i);
    }
    return out;
  };
}

describe("generateMnemonic", () => {
  test("makes 24 list words that pass TON's check", () => {
    const words = generateMnemonic();
    expect(words).toHaveLength(MNEMONIC_WORD_COUNT);
    expect(words.every((w) => wordlist.includes(w))).toBe(true);
    expect(isValidMnemonic(words)).toBe(true);
  });

  test("with a seeded source, repeats itself and differs across seeds", () => {
    const a = generateMnemonic({ random: seededRandom("a") });
    expect(generateMnemonic({ random: seededRandom("a") })).toEqual(a);
    expect(generateMnemonic({ random: seededRandom("b") })).not.toEqual(a);
    expect(isValidMnemonic(a)).toBe(true);
  });

  test("has to retry: most uniform draws of 24 words fail the check", () => {
    const random = seededRandom("draws");
    let passed = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = random(48);
      const words = Array.from(
        { length: 24 },
        (_, j) => wordlist[((bytes[2 * j] << 8) | bytes[2 * j + 1]) & 0x7ff],
      );
      if (isValidMnemonic(words)) passed++;
    }
    // One in 256 passes on average; 200 seeded draws give a handful at most.
    expect(passed).toBeLessThan(6);
  });

  test("throws TypeError for a random source that returns the wrong size", () => {
    expect(() => generateMnemonic({ random: () => new Uint8Array(3) })).toThrow(TypeError);
  });
});
