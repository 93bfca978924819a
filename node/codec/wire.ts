// The one place msgpackr is configured. msgpackr alone is not canonical (it writes small bigints
// as int64, accepts non-minimal forms, floats and unknown ext types); the schemas give it only
// wire trees whose output is minimal, and decode proves canonicality by re-encoding (codec.ts).
import { Packr, Unpackr } from "msgpackr";
import type { Wire } from "./schema.ts";

const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  int64AsType: "bigint",
  bundleStrings: false,
  moreTypes: false,
});

const unpackr = new Unpackr({
  useRecords: false,
  int64AsType: "bigint",
  // maps (never valid here) come back as Map objects whatever their keys, so the walk refuses them by type
  mapsAsObjects: false,
  // bins come back as fresh plain Uint8Arrays, never views into the caller's input
  copyBuffers: true,
});

/**
 * The bytes of a wire tree. The result is a view into msgpackr's shared buffer (later packs do
 * not overwrite it, but it is a Buffer): copy it before it leaves the module.
 */
export function packWire(wire: Wire): Uint8Array {
  return packr.pack(wire);
}

/** The first MessagePack value in `bytes` and the offset where it ends. Throws what msgpackr throws. */
export function unpackFirst(bytes: Uint8Array): { value: unknown; end: number } {
  // msgpackr caches a DataView on the object it reads, so it reads a view of our own.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let value: unknown;
  let end = -1;
  unpackr.unpackMultiple(view, (first: unknown, _start?: number, firstEnd?: number) => {
    value = first;
    end = firstEnd ?? -1;
    return false;
  });
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
