// New phrases by TON's method (specs/mnemonic.md §4): draw 24 uniform words and retry until the
// basic-seed rule holds. A plain BIP-39 phrase would not pass TON's check, so this is the only way.
import { randomBytes } from "node:crypto";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { isBasicSeedPhrase, MNEMONIC_WORD_COUNT } from "./phrase.ts";

export interface GenerateMnemonicOptions {
  /** Source of random bytes; node:crypto by default. Tests pass a seeded one. */
  random?: (length: number) => Uint8Array;
}

const defaultRandom = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

export function generateMnemonic(options: GenerateMnemonicOptions = {}): string[] {
  const random = options.random ?? defaultRandom;
  if (typeof random !== "function")
    throw new TypeError("generateMnemonic: options.random must be a function");
  for (;;) {
    const bytes = random(2 * MNEMONIC_WORD_COUNT);
    if (!(bytes instanceof Uint8Array) || bytes.length !== 2 * MNEMONIC_WORD_COUNT) {
      throw new TypeError(`generateMnemonic: options.random must return ${2 * MNEMONIC_WORD_COUNT} bytes`);
    }
    // 2048 words divide 65536, so the low 11 bits of each 16-bit draw are uniform.
    const words = Array.from(
      { length: MNEMONIC_WORD_COUNT },
      (_, i) => wordlist[((bytes[2 * i] << 8) | bytes[2 * i + 1]) & 0x7ff],
    );
    if (isBasicSeedPhrase(words)) return words;
  }
}
