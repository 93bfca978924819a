// What the VM needs from the node, as interfaces (vm §7): the node implements them with its codec
// and crypto, tests with node:crypto. The VM never imports node/.
import type { Value } from "./values.ts";

/** Cryptography and the canonical hash, supplied by the node. All must be pure and deterministic. */
export interface Host {
  /** SHA-256 of `data` (32 bytes). */
  sha256(data: Uint8Array): Uint8Array;
  /** The ed25519 rule of crypto §3; false for any input it refuses. Never throws. */
  ed25519Verify(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean;
  /** The 32-byte canonical hash of a value (the codec's encoding of VM values, hashed). */
  hashValue(value: Value): Uint8Array;
}

/** The contract's storage before the run. The VM never writes it: changes come back in the result. */
export interface StorageReader {
  get(key: Uint8Array): Value | undefined;
}

/** What the contract may learn about its world (vm §4.10). */
export interface RunContext {
  /** Own address (account id, 32 bytes). */
  address: Uint8Array;
  /** Balance in nanograms, after the credit phase. */
  balance: bigint;
  /** Value the inbound message carries (0 for externals and get-methods). */
  msgValue: bigint;
  /** Sender's address, or null for external messages and get-methods. */
  sender: Uint8Array | null;
  /** Block time, unix seconds. */
  now: bigint;
  /** Logical time of this transaction. */
  lt: bigint;
  /** The block's random seed (32 bytes). */
  seed: Uint8Array;
  /** A config parameter by number, or null. */
  config(id: bigint): Value | null;
}

export const EMPTY_STORAGE: StorageReader = { get: () => undefined };
