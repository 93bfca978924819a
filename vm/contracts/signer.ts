// How an order gets signed (contracts §1.3): ed25519 over the canonical hash of the signed value,
// the digest HASH computes inside the VM. The hash and the key come from the caller, so vm/
// neither imports the node's codec nor holds keys.
import type { Value } from "../values.ts";
import { assertBytes } from "./checks.ts";

export const SIGNATURE_BYTES = 64;

export interface Signer {
  /** The canonical hash of a value: the node's `Host.hashValue` (vm §2.6). */
  hashValue(value: Value): Uint8Array;
  /** The ed25519 signature (64 bytes) of a 32-byte hash. */
  sign(hash: Uint8Array): Uint8Array;
}

/** The signature of `hashValue(signed)`, checked for its length. */
export function signValue(signed: Value, signer: Signer): Uint8Array {
  if (typeof signer?.hashValue !== "function" || typeof signer.sign !== "function")
    throw new TypeError("signer: expected hashValue(value) and sign(hash)");
  const signature = signer.sign(signer.hashValue(signed));
  assertBytes(signature, SIGNATURE_BYTES, "signature");
  return signature;
}
