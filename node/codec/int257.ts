// The VM's signed 257-bit integer (specs/codec.md §3.4): a bin holding its shortest big-endian
// two's complement, so every value in -2^256..2^256-1 has exactly one form and 0 is the empty bin.
import { toHex } from "../bytes/index.ts";
import { codecError, misuseRange, misuseType } from "./path.ts";
import { DEFAULT_MAX_BYTES, describe, describeWire, type Schema } from "./schema.ts";

const MIN = -(2n ** 256n);
const MAX = 2n ** 256n - 1n;
/** 2^256 - 1 and -2^256 need 33 bytes (the sign bit is the 257th). */
const MAX_LENGTH = 33;

/** Shortest two's complement, big-endian; empty for 0. */
export function int257ToBytes(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  // magnitude bits, plus one for the sign, rounded up to whole bytes
  const bits = (value > 0n ? value : -value - 1n).toString(2).length;
  const length = Math.floor(bits / 8) + 1;
  const unsigned = value >= 0n ? value : (1n << BigInt(8 * length)) + value;
  return Uint8Array.from(Buffer.from(unsigned.toString(16).padStart(2 * length, "0"), "hex"));
}

/** Reads a two's complement of any length (the caller checks minimality and range). */
export function bytesToInt(bytes: Uint8Array): bigint {
  const n = bytes.length;
  if (n === 0) return 0n;
  // Up to 6 bytes fit a double exactly: the common small values need no string at all.
  let unsigned: bigint;
  if (n <= 6) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[i];
    unsigned = BigInt(v);
  } else unsigned = BigInt(`0x${toHex(bytes)}`);
  return bytes[0] >= 0x80 ? unsigned - (1n << BigInt(8 * n)) : unsigned;
}

export const int257: Schema<bigint> = {
  kind: "int257",
  name: "int257",
  maxBytes: DEFAULT_MAX_BYTES,
  toWire(value) {
    if (typeof value !== "bigint") throw misuseType(`expected a bigint (int257), got ${describe(value)}`);
    if (value < MIN || value > MAX) throw misuseRange(`int257 must be in -2^256..2^256-1, got ${value}`);
    return int257ToBytes(value);
  },
  fromWire(raw) {
    if (!(raw instanceof Uint8Array))
      throw codecError("CODEC_TYPE", `expected int257 as bin, got ${describeWire(raw)}`);
    const n = raw.length;
    if (n > MAX_LENGTH) throw codecError("CODEC_RANGE", `int257 takes at most ${MAX_LENGTH} bytes, got ${n}`);
    if (n === 1 && raw[0] === 0) throw codecError("CODEC_NOT_CANONICAL", "int257 zero must be the empty bin");
    if (n >= 2 && ((raw[0] === 0 && raw[1] < 0x80) || (raw[0] === 0xff && raw[1] >= 0x80))) {
      throw codecError("CODEC_NOT_CANONICAL", "int257 has a redundant leading sign byte");
    }
    const value = bytesToInt(raw);
    if (value < MIN || value > MAX) {
      throw codecError("CODEC_RANGE", `int257 must be in -2^256..2^256-1, got ${value}`);
    }
    return value;
  },
};
