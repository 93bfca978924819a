// Ed25519 signing (RFC 8032 §5.1.6) through node:crypto. Signing is deterministic, so the fast
// path and noble produce the same 64 bytes; the tests hold them to it.
import { sign as nodeSign } from "node:crypto";
import { assertBytes, assertLength, fromNodeBuffer } from "./bytes.ts";
import { privateKeyObject } from "./keyObjects.ts";
import { SEED_BYTES } from "./rule.ts";

/** The 64-byte signature R || S of `message` under the 32-byte seed `secretKey`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  assertBytes(message, "message");
  assertBytes(secretKey, "secretKey");
  assertLength(secretKey, SEED_BYTES, "secretKey");
  return fromNodeBuffer(nodeSign(null, message, privateKeyObject(secretKey)));
}
