// Writes a VM value in its canonical encoding (codec §8) straight into one reused buffer. No
// recursion: a Tuple may nest 32,767 deep within the size rule (vm §2.5), where msgpackr's
// recursive packer and the JS stack give out, and hashing a value must work for every value.
// No wire tree either: the value is hashed once per wallet transfer, so each byte is written once.
import { int257ToBytes } from "./int257.ts";
import { indexPath, misuseRange, misuseType, rethrowAt } from "./path.ts";
import { describe } from "./schema.ts";
import {
  INT_MAX,
  INT_MIN,
  MAX_BYTES_LENGTH,
  MAX_TUPLE_DEPTH,
  MAX_TUPLE_ITEMS,
  MAX_VALUE_SIZE,
  NARROW_MIN,
  SIZE_BYTES_HEADER,
  SIZE_INT,
  SIZE_NULL,
  SIZE_TUPLE_HEADER,
  VM_VALUE_MAX_BYTES,
} from "./vmLimits.ts";

// Size is counted before a value's bytes are written and no form takes more than 1.5 bytes per
// unit, so a value that passes the size check never writes past VM_VALUE_MAX_BYTES.
const out = new Uint8Array(VM_VALUE_MAX_BYTES);
const view = new DataView(out.buffer);

// The open Tuples, outermost first, and the index of the item each will write next. Reused.
const tuples: Array<readonly unknown[]> = [];
const nextIndex: number[] = [];

const U32_MAX = 0xffffffffn;
const I32_MIN = -0x80000000n;
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/**
 * The canonical bytes of a VM value: a view of a shared buffer, valid until the next call.
 * A value the VM could not hold is the caller's bug: TypeError or RangeError, with its path.
 */
export function writeVmValue(root: unknown): Uint8Array {
  let at = 0;
  let size = 0;
  let depth = 0;
  let value = root;
  try {
    for (;;) {
      if (value === null) {
        size += SIZE_NULL;
        if (size > MAX_VALUE_SIZE) throw tooLarge(size);
        out[at++] = 0xc0;
      } else if (typeof value === "bigint") {
        size += SIZE_INT;
        if (size > MAX_VALUE_SIZE) throw tooLarge(size);
        at = writeInt(value, at);
      } else if (value instanceof Uint8Array) {
        const n = value.length;
        if (n > MAX_BYTES_LENGTH) throw misuseRange(`Bytes take at most ${MAX_BYTES_LENGTH} bytes, got ${n}`);
        size += SIZE_BYTES_HEADER + n;
        if (size > MAX_VALUE_SIZE) throw tooLarge(size);
        if (n < 0x100) {
          out[at] = 0xc4;
          out[at + 1] = n;
          at += 2;
        } else {
          out[at] = 0xc5;
          view.setUint16(at + 1, n);
          at += 3;
        }
        out.set(value, at);
        at += n;
      } else if (Array.isArray(value)) {
        const n = value.length;
        if (n > MAX_TUPLE_ITEMS)
          throw misuseRange(`a Tuple holds at most ${MAX_TUPLE_ITEMS} items, got ${n}`);
        size += SIZE_TUPLE_HEADER;
        if (size > MAX_VALUE_SIZE) throw tooLarge(size);
        if (depth >= MAX_TUPLE_DEPTH)
          throw misuseRange(`Tuples nest at most ${MAX_TUPLE_DEPTH} deep in a VM value (vm §2.4)`);
        if (n < 16) {
          out[at++] = 0x90 | n;
        } else {
          out[at] = 0xdc;
          out[at + 1] = 0;
          out[at + 2] = n;
          at += 3;
        }
        if (n > 0) {
          tuples[depth] = value;
          nextIndex[depth] = 0;
          depth++;
        }
      } else {
        throw misuseType(`expected a VM value (bigint, Uint8Array, array or null), got ${describe(value)}`);
      }
      // on to the next item of the innermost open Tuple, closing the ones that are complete
      for (;;) {
        if (depth === 0) return out.subarray(0, at);
        const tuple = tuples[depth - 1];
        const i = nextIndex[depth - 1];
        if (i < tuple.length) {
          nextIndex[depth - 1] = i + 1;
          value = tuple[i];
          break;
        }
        tuples[--depth] = EMPTY; // drop the reference, so the caller's value is not kept alive
      }
    }
  } catch (error) {
    const path = indexPath(depth, (d) => nextIndex[d] - 1);
    for (let d = 0; d < depth; d++) tuples[d] = EMPTY;
    if (path !== "") rethrowAt(error, path);
    throw error;
  }
}

const EMPTY: readonly unknown[] = [];

function tooLarge(size: number): RangeError {
  return misuseRange(`a VM value takes at most ${MAX_VALUE_SIZE} size units, this one at least ${size}`);
}

/** An Int at `at` in the form of codec §3.1, or the wide form of §8.2 outside −2^63..2^64−1. */
function writeInt(v: bigint, at: number): number {
  if (v >= I32_MIN && v <= U32_MAX) {
    const n = Number(v);
    if (n >= 0) {
      if (n < 0x80) {
        out[at] = n;
        return at + 1;
      }
      if (n < 0x100) {
        out[at] = 0xcc;
        out[at + 1] = n;
        return at + 2;
      }
      if (n < 0x10000) {
        out[at] = 0xcd;
        view.setUint16(at + 1, n);
        return at + 3;
      }
      out[at] = 0xce;
      view.setUint32(at + 1, n);
      return at + 5;
    }
    if (n >= -32) {
      out[at] = n & 0xff;
      return at + 1;
    }
    if (n >= -0x80) {
      out[at] = 0xd0;
      view.setInt8(at + 1, n);
      return at + 2;
    }
    if (n >= -0x8000) {
      out[at] = 0xd1;
      view.setInt16(at + 1, n);
      return at + 3;
    }
    out[at] = 0xd2;
    view.setInt32(at + 1, n);
    return at + 5;
  }
  if (v >= NARROW_MIN && v <= I64_MAX) {
    out[at] = 0xd3;
    view.setBigInt64(at + 1, v);
    return at + 9;
  }
  if (v > I64_MAX && v <= U64_MAX) {
    out[at] = 0xcf;
    view.setBigUint64(at + 1, v);
    return at + 9;
  }
  if (v < INT_MIN || v > INT_MAX) throw misuseRange(`an Int must be in -2^256..2^256-1, got ${v}`);
  const bytes = int257ToBytes(v);
  out[at] = 0x92;
  out[at + 1] = 0xc3;
  out[at + 2] = 0xc4;
  out[at + 3] = bytes.length;
  out.set(bytes, at + 4);
  return at + 4 + bytes.length;
}
