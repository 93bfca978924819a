// SHA-256 (FIPS 180-4) for the hot paths of Gram: Merkle nodes of 65 bytes, hashes of keys and
// small records. node:crypto's one-shot `hash` beat both `createHash` and @noble/hashes for 32 to
// 100-byte inputs (bench/crypto.ts); noble is kept as the cross-check in the tests.
import { hash } from "node:crypto";
import { assertBytes, fromNodeBuffer } from "./bytes.ts";

/** SHA-256 of `data`: 32 bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, "data");
  return fromNodeBuffer(hash("sha256", data, "buffer"));
}

/**
 * SHA-256 of the concatenation of `parts`. Copying small parts into one array and hashing it in
 * one call measured faster than feeding them to an incremental hash one by one.
 */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    assertBytes(parts[i], `parts[${i}]`);
    total += parts[i].length;
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return fromNodeBuffer(hash("sha256", joined, "buffer"));
}
