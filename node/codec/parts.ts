// Encodings built from encodings (codec §7.3): a struct is a MessagePack array of its fields and
// a list an array of its items, so the canonical bytes of either are an array header followed by
// the canonical bytes of each part. A caller that already holds the parts' bytes (a transaction
// it hashed, a message as it arrived) builds the whole without encoding them a second time.

import { encodings } from "./arena.ts";
import type { Fields, StructSchema } from "./struct.ts";
import { arrayHeaderSize } from "./wire.ts";

/**
 * The array of `parts`, each the canonical encoding of one item (as `encode` returns it): then
 * the result is the canonical encoding of the list of those items, carved as `encode`'s are.
 */
export function encodeArrayOf(parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.length;
  let size = arrayHeaderSize(n);
  for (const p of parts) size += p.length;
  const out = encodings.carve(size);
  let at: number;
  if (n < 16) {
    out[0] = 0x90 | n;
    at = 1;
  } else if (n < 0x10000) {
    out[0] = 0xdc;
    out[1] = n >>> 8;
    out[2] = n & 0xff;
    at = 3;
  } else {
    out[0] = 0xdd;
    out[1] = n >>> 24;
    out[2] = (n >>> 16) & 0xff;
    out[3] = (n >>> 8) & 0xff;
    out[4] = n & 0xff;
    at = 5;
  }
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The canonical encoding of a `schema` struct from the canonical encodings of its fields, in the
 * schema's order, checked against the struct's field count and size limit.
 */
export function encodeStructOf<F extends Fields>(
  schema: StructSchema<F>,
  fields: readonly Uint8Array[],
): Uint8Array {
  if (fields.length !== schema.fields.length) {
    throw new RangeError(
      `${schema.name}: expected ${schema.fields.length} encoded fields, got ${fields.length}`,
    );
  }
  const out = encodeArrayOf(fields);
  if (out.length > schema.maxBytes) {
    throw new RangeError(
      `${schema.name}: encodes to ${out.length} bytes, over its limit of ${schema.maxBytes}`,
    );
  }
  return out;
}
