// The one place msgpackr is configured, and the writer of wire trees. msgpackr alone is not
// canonical (it writes small bigints as int64, accepts non-minimal forms, floats and unknown ext
// types); the schemas give the writer only wire trees whose output is minimal, and decode proves
// canonicality by re-encoding (codec.ts). Reading is msgpackr's; writing is the few forms of
// specs/codec.md §2 written directly, which costs a third of msgpackr's general pack.
import { Unpackr } from "msgpackr";
import type { Wire } from "./schema.ts";

const unpackOptions = {
  useRecords: false,
  int64AsType: "bigint",
  // maps (never valid here) come back as Map objects whatever their keys, so the walk refuses them by type
  mapsAsObjects: false,
} as const;
// bins come back as fresh plain Uint8Arrays, never views into the caller's input
const unpackr = new Unpackr({ ...unpackOptions, copyBuffers: true });
/** The same, with bins as views into the input: for a caller that keeps the input with the value. */
const viewUnpackr = new Unpackr({ ...unpackOptions, copyBuffers: false });

const utf8 = new TextEncoder();
let scratch = new Uint8Array(64 * 1024);
let view = new DataView(scratch.buffer);
let at = 0;

function room(n: number): void {
  if (at + n <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < at + n) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(scratch.subarray(0, at));
  scratch = bigger;
  view = new DataView(scratch.buffer);
}

/** A length or count header: the short form when n < `short`, else the 8/16/32-bit forms from `first`. */
function header(n: number, fix: number, short: number, first: number): void {
  room(5);
  if (n < short) scratch[at++] = fix | n;
  else if (first !== 0 && n < 0x100) {
    scratch[at++] = first;
    scratch[at++] = n;
  } else if (n < 0x10000) {
    scratch[at++] = first === 0 ? 0xdc : first + 1;
    view.setUint16(at, n);
    at += 2;
  } else {
    scratch[at++] = first === 0 ? 0xdd : first + 2;
    view.setUint32(at, n);
    at += 4;
  }
}

function write(wire: Wire): void {
  if (wire === null) {
    room(1);
    scratch[at++] = 0xc0;
  } else if (typeof wire === "boolean") {
    room(1);
    scratch[at++] = wire ? 0xc3 : 0xc2;
  } else if (typeof wire === "number") {
    if (!Number.isInteger(wire) || wire > 0xffffffff || wire < -0x80000000)
      throw new Error(`codec bug: a wire tree holds the number ${wire}, which no integer form takes`);
    room(5);
    if (wire >= 0) {
      if (wire < 0x80) scratch[at++] = wire;
      else if (wire < 0x100) {
        scratch[at++] = 0xcc;
        scratch[at++] = wire;
      } else if (wire < 0x10000) {
        scratch[at++] = 0xcd;
        view.setUint16(at, wire);
        at += 2;
      } else {
        scratch[at++] = 0xce;
        view.setUint32(at, wire);
        at += 4;
      }
    } else if (wire >= -32) scratch[at++] = wire & 0xff;
    else if (wire >= -0x80) {
      scratch[at++] = 0xd0;
      view.setInt8(at++, wire);
    } else if (wire >= -0x8000) {
      scratch[at++] = 0xd1;
      view.setInt16(at, wire);
      at += 2;
    } else {
      scratch[at++] = 0xd2;
      view.setInt32(at, wire);
      at += 4;
    }
  } else if (typeof wire === "bigint") {
    // Only values outside the 32-bit forms reach here as bigints (scalars.ts): int64 while it fits.
    room(9);
    if (wire < 0x8000000000000000n) {
      scratch[at++] = 0xd3;
      view.setBigInt64(at, wire);
    } else {
      scratch[at++] = 0xcf;
      view.setBigUint64(at, wire);
    }
    at += 8;
  } else if (typeof wire === "string") {
    // At most 3 bytes of UTF-8 per UTF-16 unit: written after a worst-case header, then moved
    // back when the header came out shorter.
    room(5 + wire.length * 3);
    const start = at;
    const { written } = utf8.encodeInto(wire, scratch.subarray(start + 5));
    header(written, 0xa0, 32, 0xd9);
    scratch.copyWithin(at, start + 5, start + 5 + written);
    at += written;
  } else if (wire instanceof Uint8Array) {
    header(wire.length, 0, 0, 0xc4);
    room(wire.length);
    scratch.set(wire, at);
    at += wire.length;
  } else {
    header(wire.length, 0x90, 16, 0);
    for (let i = 0; i < wire.length; i++) write(wire[i]);
  }
}

/** The bytes of a wire tree, in a buffer the next call overwrites: hash or copy them at once. */
export function packWireShared(wire: Wire): Uint8Array {
  at = 0;
  write(wire);
  return scratch.subarray(0, at);
}

/** The bytes of a wire tree, in an array of their own. */
export function packWire(wire: Wire): Uint8Array {
  return packWireShared(wire).slice();
}

/**
 * The first MessagePack value in `bytes` and the offset where it ends. Throws what msgpackr throws.
 * With `views`, its byte strings are views into `bytes` rather than copies.
 */
export function unpackFirst(bytes: Uint8Array, views = false): { value: unknown; end: number } {
  // msgpackr caches a DataView on the object it reads, so it reads a view of our own.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let value: unknown;
  let end = -1;
  (views ? viewUnpackr : unpackr).unpackMultiple(
    view,
    (first: unknown, _start?: number, firstEnd?: number) => {
      value = first;
      end = firstEnd ?? -1;
      return false;
    },
  );
  return { value, end };
}

/** Byte-wise order, a proper prefix first, is the order of sortedMap keys (specs/codec.md §4.5). */
export { compareBytes, equalBytes } from "../bytes/index.ts";

/** Length of an array header for `count` items. */
export const arrayHeaderSize = (count: number): number => (count < 16 ? 1 : count < 0x10000 ? 3 : 5);

/** Length of a str header for `byteLength` bytes of UTF-8. */
export const strHeaderSize = (byteLength: number): number =>
  byteLength < 32 ? 1 : byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5;

/** Length of a bin header for `byteLength` bytes. */
export const binHeaderSize = (byteLength: number): number =>
  byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5;

/** Length of the canonical encoding of a wire tree, without encoding it (diagnostics only). */
export function wireSize(wire: Wire): number {
  if (wire === null || typeof wire === "boolean") return 1;
  if (typeof wire === "number") {
    if (wire >= 0) return wire < 0x80 ? 1 : wire < 0x100 ? 2 : wire < 0x10000 ? 3 : 5;
    return wire >= -32 ? 1 : wire >= -0x80 ? 2 : wire >= -0x8000 ? 3 : 5;
  }
  if (typeof wire === "bigint") return 9;
  if (typeof wire === "string") {
    const n = Buffer.byteLength(wire, "utf8");
    return strHeaderSize(n) + n;
  }
  if (wire instanceof Uint8Array) return binHeaderSize(wire.length) + wire.length;
  let size = arrayHeaderSize(wire.length);
  for (const item of wire) size += wireSize(item);
  return size;
}
