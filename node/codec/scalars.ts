// Integers and booleans (specs/codec.md §3.1–3.3). Integers in [-2^31, 2^32-1] travel as JS
// numbers so msgpackr writes their shortest form; only larger 64-bit values stay bigints, which
// msgpackr writes as int64 (d3) or, from 2^63, uint64 (cf).
import { codecError, misuseRange, misuseType } from "./path.ts";
import { DEFAULT_MAX_BYTES, describe, describeWire, isWireInt, type Schema } from "./schema.ts";

function fixedUint(kind: string, max: number): Schema<number> {
  return {
    kind,
    name: kind,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw misuseType(`expected an integer number (${kind}), got ${describe(value)}`);
      }
      if (value < 0 || value > max) throw misuseRange(`${kind} must be in 0..${max}, got ${value}`);
      return value === 0 ? 0 : value; // -0 is written as 0
    },
    fromWire(raw) {
      if (typeof raw === "number") {
        if (!isWireInt(raw)) throw codecError("CODEC_TYPE", `expected ${kind}, got a float`);
        if (raw < 0 || raw > max) throw codecError("CODEC_RANGE", `${kind} must be in 0..${max}, got ${raw}`);
        return raw;
      }
      if (typeof raw === "bigint") {
        // an int64/uint64 form: in range it is a value in a non-minimal form, which the re-encode check refuses
        if (raw < 0n || raw > BigInt(max)) {
          throw codecError("CODEC_RANGE", `${kind} must be in 0..${max}, got ${raw}`);
        }
        return Number(raw);
      }
      throw codecError("CODEC_TYPE", `expected ${kind}, got ${describeWire(raw)}`);
    },
  };
}

function bigInteger(kind: string, min: bigint, max: bigint, range: string): Schema<bigint> {
  return {
    kind,
    name: kind,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (typeof value !== "bigint") throw misuseType(`expected a bigint (${kind}), got ${describe(value)}`);
      if (value < min || value > max) throw misuseRange(`${kind} must be in ${range}, got ${value}`);
      return value >= -0x80000000n && value <= 0xffffffffn ? Number(value) : value;
    },
    fromWire(raw) {
      let value: bigint;
      if (typeof raw === "bigint") value = raw;
      else if (typeof raw === "number" && isWireInt(raw)) value = BigInt(raw);
      else throw codecError("CODEC_TYPE", `expected ${kind}, got ${describeWire(raw)}`);
      if (value < min || value > max)
        throw codecError("CODEC_RANGE", `${kind} must be in ${range}, got ${value}`);
      return value;
    },
  };
}

export const u8 = fixedUint("u8", 0xff);
export const u16 = fixedUint("u16", 0xffff);
export const u32 = fixedUint("u32", 0xffffffff);
export const u64 = bigInteger("u64", 0n, 2n ** 64n - 1n, "0..2^64-1");
export const i64 = bigInteger("i64", -(2n ** 63n), 2n ** 63n - 1n, "-2^63..2^63-1");

export const bool: Schema<boolean> = {
  kind: "bool",
  name: "bool",
  maxBytes: DEFAULT_MAX_BYTES,
  toWire(value) {
    if (typeof value !== "boolean") throw misuseType(`expected a boolean, got ${describe(value)}`);
    return value;
  },
  fromWire(raw) {
    if (typeof raw !== "boolean")
      throw codecError("CODEC_TYPE", `expected a boolean, got ${describeWire(raw)}`);
    return raw;
  },
};
