// The node's side of the VM host (vm §7): the VM imports nothing of node/, so it is handed
// SHA-256 and the pinned ed25519 rule from node/crypto and the canonical hash of values from
// node/codec (codec §8) through this one object.
import type { Host, Value } from "../../vm/index.ts";
import { hashOf, t } from "../codec/index.ts";
import { sha256, verify } from "../crypto/index.ts";

/**
 * crypto §3 with the VM's argument order. The VM may hand it Bytes of any length, and a wrong
 * length is the rule's refusal (false); only a non-byte argument could make `verify` throw, and
 * vm §7 promises the VM an answer, so that is a refusal too.
 */
function ed25519Verify(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (
    !(message instanceof Uint8Array && publicKey instanceof Uint8Array && signature instanceof Uint8Array)
  ) {
    return false;
  }
  return verify(signature, message, publicKey);
}

/** vm §2.6: the hash of a value is sha256 of its encoding as a VM value (codec §8). */
function hashValue(value: Value): Uint8Array {
  return hashOf(t.vmValue, value);
}

export const vmHost: Host = { sha256, ed25519Verify, hashValue };
