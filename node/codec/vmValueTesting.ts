// Test support for VM values (codec §8), not part of the module's API: their JSON form in
// specs/vectors/codec, a fast-check generator, and the same value as a wire tree for msgpackr,
// which the tests use as a second, independent writer of the same bytes.
import fc from "fast-check";
import { int257ToBytes } from "./int257.ts";
import type { Wire } from "./schema.ts";
import { INT_MAX, INT_MIN, MAX_VALUE_SIZE, NARROW_MAX, NARROW_MIN, type VmValue } from "./vmLimits.ts";

/** A VM value in the vectors' JSON: null, `{"int": "-5"}`, `{"bytes": "00ff"}`, or an array. */
export type VmValueJson = null | { int: string } | { bytes: string } | VmValueJson[];

export function vmValueFromJson(json: VmValueJson): VmValue {
  if (json === null) return null;
  if (Array.isArray(json)) return json.map(vmValueFromJson);
  const keys = Object.keys(json).join(",");
  if (keys === "int") return BigInt((json as { int: string }).int);
  if (keys === "bytes") return Uint8Array.from(Buffer.from((json as { bytes: string }).bytes, "hex"));
  throw new Error(`not a VM value in JSON: keys ${keys}`);
}

/** Size units (vm §2.5), by recursion: for test values of modest depth only. */
export function vmSizeOf(v: VmValue): number {
  if (v === null) return 1;
  if (typeof v === "bigint") return 33;
  if (v instanceof Uint8Array) return 3 + v.length;
  let size = 2;
  for (const item of v) size += vmSizeOf(item);
  return size;
}

/** The wire tree msgpackr writes as the encoding of codec §8 (for values of modest depth). */
export function vmValueToWire(v: VmValue): Wire {
  if (v === null || v instanceof Uint8Array) return v;
  if (typeof v === "bigint") {
    if (v >= -0x80000000n && v <= 0xffffffffn) return Number(v);
    if (v >= NARROW_MIN && v <= NARROW_MAX) return v;
    return [true, int257ToBytes(v)];
  }
  return v.map(vmValueToWire);
}

const INT_EDGES: bigint[] = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  -32n,
  -33n,
  255n,
  256n,
  -128n,
  -129n,
  65535n,
  65536n,
  -32768n,
  -32769n,
  2n ** 31n,
  -(2n ** 31n),
  -(2n ** 31n) - 1n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 63n - 1n,
  2n ** 63n,
  NARROW_MIN,
  NARROW_MIN - 1n,
  NARROW_MAX,
  NARROW_MAX + 1n,
  2n ** 255n,
  -(2n ** 255n),
  INT_MAX,
  INT_MIN,
];

export const vmInt: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(...INT_EDGES),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -(2n ** 72n), max: 2n ** 72n }),
  fc.bigInt({ min: INT_MIN, max: INT_MAX }),
);

const vmBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(255, 256, 300).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
);

/** Random VM values a few levels deep, Tuples of up to 20 items (so both array headers). */
export const vmValueArb: fc.Arbitrary<VmValue> = fc
  .letrec<{ value: VmValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      vmInt,
      vmBytes,
      fc.array(tie("value"), { maxLength: 20 }),
    ),
  }))
  .value.filter((v) => vmSizeOf(v) <= MAX_VALUE_SIZE);
