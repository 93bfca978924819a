// Phrase → ed25519 key, exactly as TON wallets derive it (specs/mnemonic.md §3.2), so one phrase
// controls the same key in Gram and in TON tools. 100 000 PBKDF2 rounds: ~100 ms per call by design.
import { pbkdf2Sync } from "node:crypto";
import { type KeyPair, keyPairFromSeed } from "../crypto/index.ts";
import { assertPhrase, normalizeWords, PBKDF2_ROUNDS, phraseEntropy } from "./phrase.ts";

const SEED_SALT = "TON default seed";

/** secretKey is the 32-byte ed25519 seed (TON's private key), not the 64-byte seed‖public form. */
export type MnemonicKeyPair = KeyPair;

function seedOf(words: string[], caller: string): Uint8Array {
  const normalized = normalizeWords(words, caller);
  assertPhrase(normalized);
  const seed = pbkdf2Sync(phraseEntropy(normalized), SEED_SALT, PBKDF2_ROUNDS, 64, "sha512");
  return new Uint8Array(seed.subarray(0, 32));
}

/** The 32-byte ed25519 seed of a TON phrase; throws MnemonicError when the phrase is not one. */
export function mnemonicToSeed(words: string[]): Uint8Array {
  return seedOf(words, "mnemonicToSeed");
}

export function mnemonicToKeyPair(words: string[]): MnemonicKeyPair {
  return keyPairFromSeed(seedOf(words, "mnemonicToKeyPair"));
}
