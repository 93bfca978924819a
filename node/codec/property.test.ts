// Round-trip properties over random schemas and values, and "every other form is refused" over
// each integer's possible MessagePack forms. Seeded, so a failure reproduces.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CodecError, decode, encode, hashOf, type Schema, t } from "./index.ts";
import { bytesToInt } from "./int257.ts";
import { buildSchema, schemaExpr, valuesFor } from "./testing.ts";

const SEED = 20240611;

function codeOf(schema: Schema<unknown>, bytes: Uint8Array): string | undefined {
  try {
    decode(schema, bytes);
    return undefined;
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    return error.code;
  }
}

describe("random schemas", () => {
  const cases = schemaExpr.chain((expr) => fc.tuple(fc.constant(expr), valuesFor(expr)));

  test("decode(encode(x)) is x, its re-encoding is identical, and hashOf hashes the encoding", () => {
    fc.assert(
      fc.property(cases, ([expr, value]) => {
        const schema = buildSchema(expr);
        const bytes = encode(schema, value);
        const back = decode(schema, bytes);
        expect(back).toEqual(value);
        expect(encode(schema, back)).toEqual(bytes);
        expect(hashOf(schema, value)).toEqual(new Uint8Array(createHash("sha256").update(bytes).digest()));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  test("every proper prefix of an encoding is refused as malformed", () => {
    fc.assert(
      fc.property(cases, ([expr, value]) => {
        const schema = buildSchema(expr);
        const bytes = encode(schema, value);
        for (let cut = 0; cut < bytes.length; cut++)
          expect(codeOf(schema, bytes.subarray(0, cut))).toBe("CODEC_MALFORMED");
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

/** Every MessagePack integer (and exact float) form that holds `v`. */
function formsOf(v: bigint): Uint8Array[] {
  const forms: Uint8Array[] = [];
  const put = (prefix: number[], size: number, signed: boolean) => {
    const bytes = new Uint8Array(1 + size);
    bytes.set(prefix);
    const view = new DataView(bytes.buffer);
    if (size === 1) signed ? view.setInt8(1, Number(v)) : view.setUint8(1, Number(v));
    if (size === 2) signed ? view.setInt16(1, Number(v)) : view.setUint16(1, Number(v));
    if (size === 4) signed ? view.setInt32(1, Number(v)) : view.setUint32(1, Number(v));
    if (size === 8) signed ? view.setBigInt64(1, v) : view.setBigUint64(1, v);
    forms.push(bytes);
  };
  if (v >= 0n && v <= 127n) forms.push(Uint8Array.of(Number(v)));
  if (v >= -32n && v < 0n) forms.push(Uint8Array.of(Number(v) & 0xff));
  const fits = (bits: number, signed: boolean) =>
    signed ? v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1) : v >= 0n && v < 1n << BigInt(bits);
  [
    [0xcc, 1, false],
    [0xcd, 2, false],
    [0xce, 4, false],
    [0xcf, 8, false],
    [0xd0, 1, true],
    [0xd1, 2, true],
    [0xd2, 4, true],
    [0xd3, 8, true],
  ].forEach(([prefix, size, signed]) => {
    if (fits((size as number) * 8, signed as boolean))
      put([prefix as number], size as number, signed as boolean);
  });
  if (Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v) {
    const float = new Uint8Array(9);
    float[0] = 0xcb;
    new DataView(float.buffer).setFloat64(1, Number(v));
    forms.push(float);
  }
  return forms;
}

describe("integers have one form", () => {
  const kinds: Array<[Schema<unknown>, bigint, bigint, boolean]> = [
    [t.u8, 0n, 255n, false],
    [t.u16, 0n, 65535n, false],
    [t.u32, 0n, 2n ** 32n - 1n, false],
    [t.u64, 0n, 2n ** 64n - 1n, true],
    [t.i64, -(2n ** 63n), 2n ** 63n - 1n, true],
  ];
  test.each(kinds.map((k) => [k[0].name, ...k] as const))("%s", (_name, schema, min, max, big) => {
    const edges = [
      min,
      max,
      0n,
      127n,
      128n,
      -32n,
      -33n,
      255n,
      256n,
      -129n,
      65535n,
      65536n,
      2n ** 32n - 1n,
      2n ** 32n,
    ];
    const values = fc.oneof(
      fc.constantFrom(...edges.filter((v) => v >= min && v <= max)),
      fc.bigInt({ min, max }),
    );
    fc.assert(
      fc.property(values, (v) => {
        const value = big ? v : Number(v);
        const canonical = encode(schema, value);
        let accepted = 0;
        for (const form of formsOf(v)) {
          const same = Buffer.from(form).equals(canonical);
          const code = codeOf(schema, form);
          if (same) {
            accepted++;
            expect(code).toBeUndefined();
          } else {
            expect(code).toBe(form[0] === 0xcb ? "CODEC_TYPE" : "CODEC_NOT_CANONICAL");
          }
        }
        expect(accepted).toBe(1);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test("bytesToInt reads two's complement of every length, short ones by arithmetic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 34 }), (bytes) => {
        const unsigned = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
        expect(bytesToInt(bytes)).toBe(BigInt.asIntN(8 * bytes.length, unsigned));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(bytesToInt(new Uint8Array(0))).toBe(0n);
    expect(bytesToInt(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(-1n);
    expect(bytesToInt(Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(2n ** 47n - 1n);
  });

  test("int257 refuses a redundant sign byte and accepts its one form", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n - 1n }), (v) => {
        const canonical = encode(t.int257, v);
        expect(decode(t.int257, canonical)).toBe(v);
        const payload = canonical.subarray(2);
        if (payload.length === 33) return;
        const padded = new Uint8Array(payload.length + 1);
        padded[0] = v < 0n ? 0xff : 0x00;
        padded.set(payload, 1);
        expect(codeOf(t.int257, encode(t.varBytes(40), padded))).toBe("CODEC_NOT_CANONICAL");
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test("a string or bin with a longer length header is refused", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const utf8 = Buffer.from(s, "utf8");
        const canonical = encode(t.string(200), s);
        for (const [prefix, size] of [
          [0xd9, 1],
          [0xda, 2],
          [0xdb, 4],
        ] as const) {
          if (utf8.length >= 2 ** (8 * size)) continue;
          const header = Buffer.alloc(1 + size);
          header[0] = prefix;
          header.writeUIntBE(utf8.length, 1, size);
          const form = Buffer.concat([header, utf8]);
          if (form.equals(canonical)) expect(decode(t.string(200), form)).toBe(s);
          else expect(codeOf(t.string(200), form)).toBe("CODEC_NOT_CANONICAL");
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
