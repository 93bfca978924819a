// What makes a list of words a TON phrase (specs/mnemonic.md §2, §3): 24 BIP-39 English words
// whose entropy passes TON's basic-seed rule. The rule is a short PBKDF2 whose first byte must be
// zero, so one random phrase in ~256 passes and a random list of words is refused.
import { createHmac, pbkdf2Sync } from "node:crypto";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { MnemonicError } from "./errors.ts";

export const MNEMONIC_WORD_COUNT = 24;

const words = new Set(wordlist);
// §3: TON's derivation constants; the check runs 1/256 of the key derivation's rounds.
export const PBKDF2_ROUNDS = 100_000;
const BASIC_SEED_SALT = "TON seed version";
const BASIC_SEED_ROUNDS = Math.max(1, Math.floor(PBKDF2_ROUNDS / 256));

/** Splits typed or pasted text into normalised words: any whitespace separates, case is ignored. */
export function parseMnemonic(text: string): string[] {
  if (typeof text !== "string")
    throw new TypeError(`parseMnemonic: text must be a string, got ${typeof text}`);
  const trimmed = text.trim().toLowerCase();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}

/** TON normalises each word (lower case, trimmed) before it hashes the phrase; so do we (§2). */
export function normalizeWords(input: readonly string[], caller: string): string[] {
  if (!Array.isArray(input)) throw new TypeError(`${caller}: words must be an array of strings`);
  return input.map((word, i) => {
    if (typeof word !== "string")
      throw new TypeError(`${caller}: words[${i}] must be a string, got ${typeof word}`);
    return word.trim().toLowerCase();
  });
}

/** §3.1: entropy = HMAC-SHA512(key = words joined by single spaces, message = password, here empty). */
export function phraseEntropy(normalized: readonly string[]): Uint8Array {
  return new Uint8Array(createHmac("sha512", normalized.join(" ")).digest());
}

/** §3.3: TON's basic-seed rule, the check that tells a TON phrase from any list of words. */
export function isBasicSeedPhrase(normalized: readonly string[]): boolean {
  const hash = pbkdf2Sync(phraseEntropy(normalized), BASIC_SEED_SALT, BASIC_SEED_ROUNDS, 64, "sha512");
  return hash[0] === 0;
}

/** Checks words already normalised; the derivation and the generator share it. */
export function assertPhrase(normalized: readonly string[]): void {
  if (normalized.length !== MNEMONIC_WORD_COUNT) {
    throw new MnemonicError(
      "MNEMONIC_WORD_COUNT",
      `a mnemonic has ${MNEMONIC_WORD_COUNT} words, this one has ${normalized.length}`,
    );
  }
  normalized.forEach((word, i) => {
    if (!words.has(word)) {
      throw new MnemonicError(
        "MNEMONIC_UNKNOWN_WORD",
        `word ${i + 1} "${word.slice(0, 32)}" is not in the BIP-39 English word list`,
      );
    }
  });
  if (!isBasicSeedPhrase(normalized)) {
    throw new MnemonicError(
      "MNEMONIC_INVALID",
      "these are valid BIP-39 words but not a TON mnemonic (the TON seed check fails); check the words and their order",
    );
  }
}

/** Throws MnemonicError unless `words` is a TON phrase that TON wallets would accept. */
export function validateMnemonic(words: string[]): void {
  assertPhrase(normalizeWords(words, "validateMnemonic"));
}

export function isValidMnemonic(words: string[]): boolean {
  try {
    validateMnemonic(words);
    return true;
  } catch (err) {
    if (err instanceof MnemonicError) return false;
    throw err;
  }
}
