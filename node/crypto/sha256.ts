// SHA-256 (FIPS 180-4) for the hot paths of Gram: Merkle nodes of 65 bytes, hashes of keys and
// small records. node:crypto's one-shot `hash` beat both `createHash` and @noble/hashes for 32 to
// 100-byte inputs (bench/crypto.ts); noble is kept as the cross-check in the tests. Asking `hash`
// for a latin1 string and copying its 32 char codes costs ~0.9 µs where a Buffer digest costs
// ~2 µs: allocating a Buffer is most of the price of hashing a small input.
import { createHash, hash } from "node:crypto";
import { assertBytes, fromNodeBuffer } from "./bytes.ts";

// sha256Concat joins small parts here rather than in a new array: V8 allocates arrays over 64
// bytes outside its heap, which made a fresh 65-byte array cost more than hashing it. `hash` is
// synchronous, so one scratch area serves every call.
const SCRATCH_BYTES = 1024;
const scratch = new Uint8Array(SCRATCH_BYTES);

function digestInto(data: Uint8Array, out: Uint8Array, at: number): void {
  const digest = hash("sha256", data, "binary");
  for (let i = 0; i < 32; i++) out[at + i] = digest.charCodeAt(i);
}

function digestBytes(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  digestInto(data, out, 0);
  return out;
}

/** SHA-256 of `data`, written into `out` at `at`: no array per hash when many go to one place. */
export function sha256Into(data: Uint8Array, out: Uint8Array, at: number): void {
  assertBytes(data, "data");
  assertBytes(out, "out");
  if (!Number.isSafeInteger(at) || at < 0 || at + 32 > out.length)
    throw new RangeError(`at: ${at} leaves no room for 32 bytes in ${out.length}`);
  digestInto(data, out, at);
}

/** SHA-256 of `data`: 32 bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, "data");
  return digestBytes(data);
}

/** SHA-256 of the concatenation of `parts`, without building it when the parts are small. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    assertBytes(parts[i], `parts[${i}]`);
    total += parts[i].length;
  }
  if (total > SCRATCH_BYTES) {
    const h = createHash("sha256");
    for (const part of parts) h.update(part);
    return fromNodeBuffer(h.digest());
  }
  let offset = 0;
  for (const part of parts) {
    scratch.set(part, offset);
    offset += part.length;
  }
  return digestBytes(scratch.subarray(0, total));
}
