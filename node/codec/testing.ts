// Test support, not part of the module's API (index.ts does not export it): schemas described as
// JSON, the form specs/vectors/codec uses, and fast-check generators of schemas and values.
import fc from "fast-check";
import { encode } from "./codec.ts";
import type { Schema } from "./schema.ts";
import type { StructSchema } from "./struct.ts";
import { t } from "./t.ts";
import { type VmValueJson, vmValueArb, vmValueFromJson } from "./vmValueTesting.ts";
import { compareBytes } from "./wire.ts";

export type ScalarExpr = "u8" | "u16" | "u32" | "u64" | "i64" | "int257" | "bool" | "vmValue";
export type StructExpr = { struct: string; fields: Array<[string, SchemaExpr]>; maxBytes?: number };
export type SchemaExpr =
  | ScalarExpr
  | { bytes: number }
  | { varBytes: number }
  | { string: number }
  | { list: SchemaExpr; maxItems: number }
  | { optional: SchemaExpr }
  | StructExpr
  | { variant: string; cases: Array<[string, StructExpr]>; maxBytes?: number }
  | { sortedMap: [SchemaExpr, SchemaExpr]; maxEntries: number };

const SCALARS: Record<ScalarExpr, Schema<unknown>> = {
  u8: t.u8,
  u16: t.u16,
  u32: t.u32,
  u64: t.u64,
  i64: t.i64,
  int257: t.int257,
  bool: t.bool,
  vmValue: t.vmValue,
};
const BIG = new Set<string>(["u64", "i64", "int257"]);

/** Which form an expression has; throws on any shape this file does not know, so no vector is silently skipped. */
function formOf(expr: SchemaExpr): string {
  if (typeof expr === "string") {
    if (!(expr in SCALARS)) throw new Error(`unknown scalar ${expr}`);
    return expr;
  }
  const keys = Object.keys(expr).sort().join(",");
  const forms: Record<string, string> = {
    bytes: "bytes",
    varBytes: "varBytes",
    string: "string",
    "list,maxItems": "list",
    optional: "optional",
    "fields,struct": "struct",
    "fields,maxBytes,struct": "struct",
    "cases,variant": "variant",
    "cases,maxBytes,variant": "variant",
    "maxEntries,sortedMap": "sortedMap",
  };
  const form = forms[keys];
  if (form === undefined) throw new Error(`unknown schema expression with keys ${keys}`);
  return form;
}

export function buildSchema(expr: SchemaExpr): Schema<unknown> {
  const e = expr as unknown as Record<string, never>; // formOf has checked the shape
  switch (formOf(expr)) {
    case "bytes":
      return t.bytes(e.bytes);
    case "varBytes":
      return t.varBytes(e.varBytes);
    case "string":
      return t.string(e.string);
    case "list":
      return t.list(buildSchema(e.list), e.maxItems);
    case "optional":
      return t.optional(buildSchema(e.optional));
    case "struct":
      return buildStruct(expr as StructExpr);
    case "variant": {
      const cases = Object.fromEntries(
        (e.cases as Array<[string, StructExpr]>).map(([tag, s]) => [tag, buildStruct(s)]),
      );
      return t.variant(e.variant, cases, e.maxBytes === undefined ? undefined : { maxBytes: e.maxBytes });
    }
    case "sortedMap":
      return t.sortedMap(buildSchema(e.sortedMap[0]), buildSchema(e.sortedMap[1]), e.maxEntries);
    default:
      return SCALARS[expr as ScalarExpr];
  }
}

function buildStruct(expr: StructExpr): StructSchema<Record<string, Schema<unknown>>> {
  formOf(expr);
  const fields = Object.fromEntries(expr.fields.map(([name, field]) => [name, buildSchema(field)]));
  return t.struct(expr.struct, fields, expr.maxBytes === undefined ? undefined : { maxBytes: expr.maxBytes });
}

const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));

/** A vector's JSON value as the codec's value: 64-bit and wider integers are decimal strings, bytes are hex. */
export function valueFromJson(expr: SchemaExpr, json: unknown): unknown {
  const e = expr as unknown as Record<string, never>; // formOf has checked the shape
  const form = formOf(expr);
  if (BIG.has(form)) return BigInt(json as string);
  if (form === "vmValue") return vmValueFromJson(json as VmValueJson);
  switch (form) {
    case "bytes":
    case "varBytes":
      return hexToBytes(json as string);
    case "list":
      return (json as unknown[]).map((item) => valueFromJson(e.list, item));
    case "optional":
      return json === null ? null : valueFromJson(e.optional, json);
    case "struct":
      return structFromJson(expr as StructExpr, json as Record<string, unknown>);
    case "variant": {
      const { kind, ...rest } = json as { kind: string };
      const found = (e.cases as Array<[string, StructExpr]>).find(([tag]) => tag === kind);
      if (found === undefined) throw new Error(`no case ${kind}`);
      return { kind, ...structFromJson(found[1], rest) };
    }
    case "sortedMap":
      return (json as Array<[unknown, unknown]>).map(([k, v]) => [
        valueFromJson(e.sortedMap[0], k),
        valueFromJson(e.sortedMap[1], v),
      ]);
    default:
      return json;
  }
}

function structFromJson(expr: StructExpr, json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(expr.fields.map(([name, field]) => [name, valueFromJson(field, json[name])]));
}

// ---- generators --------------------------------------------------------------------------------

const leafExpr: fc.Arbitrary<SchemaExpr> = fc.oneof(
  fc.constantFrom<ScalarExpr>("u8", "u16", "u32", "u64", "i64", "int257", "bool"),
  fc.integer({ min: 0, max: 40 }).map((n) => ({ bytes: n })),
  fc.constantFrom(0, 1, 16, 255, 256, 300).map((n) => ({ varBytes: n })),
  fc.constantFrom(0, 1, 5, 31, 32, 120, 300).map((n) => ({ string: n })),
);

function structExpr(field: fc.Arbitrary<SchemaExpr>, name: string): fc.Arbitrary<StructExpr> {
  return fc
    .array(field, { maxLength: 5 })
    .map((fields) => ({ struct: name, fields: fields.map((f, i): [string, SchemaExpr] => [`f${i}`, f]) }));
}

/** Random schemas, nested a few levels deep. */
export const schemaExpr: fc.Arbitrary<SchemaExpr> = fc.letrec<{ expr: SchemaExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafExpr,
    fc.tuple(tie("expr"), fc.constantFrom(0, 1, 4, 20)).map(([item, maxItems]) => ({ list: item, maxItems })),
    tie("expr").map((item) =>
      typeof item === "object" && "optional" in item ? item : ({ optional: item } as SchemaExpr),
    ),
    structExpr(tie("expr"), "S"),
    fc
      .array(structExpr(tie("expr"), "C"), { minLength: 1, maxLength: 4 })
      .map((cases) => ({ variant: "V", cases: cases.map((c, i): [string, StructExpr] => [`c${i}`, c]) })),
    fc
      .tuple(leafExpr, tie("expr"), fc.constantFrom(0, 1, 8))
      .map(([key, value, maxEntries]) => ({ sortedMap: [key, value], maxEntries }) as SchemaExpr),
  ),
})).expr;

const edges = (min: bigint, max: bigint): bigint[] =>
  [
    0n,
    1n,
    -1n,
    127n,
    128n,
    -32n,
    -33n,
    2n ** 31n,
    -(2n ** 31n) - 1n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 63n - 1n,
    2n ** 63n,
    -(2n ** 63n),
    min,
    max,
  ].filter((v) => v >= min && v <= max);

function bigIntValue(min: bigint, max: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(...edges(min, max)),
    fc.bigInt({ min, max }),
    fc.bigInt({ min: -1000n, max: 1000n }).filter((v) => v >= min && v <= max),
  );
}

/** Cuts a string at a code point boundary so its UTF-8 fits `maxBytes`. */
function fitUtf8(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** Random values that fit a schema expression. */
export function valuesFor(expr: SchemaExpr): fc.Arbitrary<unknown> {
  const e = expr as unknown as Record<string, never>; // formOf has checked the shape
  switch (formOf(expr)) {
    case "u8":
      return fc.integer({ min: 0, max: 0xff });
    case "u16":
      return fc.oneof(
        fc.constantFrom(0, 0x7f, 0x80, 0xff, 0x100, 0xffff),
        fc.integer({ min: 0, max: 0xffff }),
      );
    case "u32":
      return fc.oneof(
        fc.constantFrom(0, 0xffff, 0x10000, 0xffffffff),
        fc.integer({ min: 0, max: 0xffffffff }),
      );
    case "u64":
      return bigIntValue(0n, 2n ** 64n - 1n);
    case "i64":
      return bigIntValue(-(2n ** 63n), 2n ** 63n - 1n);
    case "int257":
      return bigIntValue(-(2n ** 256n), 2n ** 256n - 1n);
    case "bool":
      return fc.boolean();
    case "vmValue":
      return vmValueArb;
    case "bytes":
      return fc.uint8Array({ minLength: e.bytes, maxLength: e.bytes });
    case "varBytes":
      return fc.uint8Array({ maxLength: e.varBytes });
    case "string":
      return fc
        .oneof(fc.string({ unit: "binary", maxLength: e.string }), fc.string({ maxLength: e.string }))
        .map((s) => fitUtf8(s, e.string));
    case "list":
      return fc.array(valuesFor(e.list), { maxLength: Math.min(e.maxItems, 20) });
    case "optional":
      return fc.option(valuesFor(e.optional), { nil: null });
    case "struct":
      return structValue(expr as StructExpr);
    case "variant":
      return fc.oneof(
        ...(e.cases as Array<[string, StructExpr]>).map(([tag, s]) =>
          structValue(s).map((r) => ({ kind: tag, ...r })),
        ),
      );
    case "sortedMap": {
      const keySchema = buildSchema(e.sortedMap[0]);
      return fc
        .array(fc.tuple(valuesFor(e.sortedMap[0]), valuesFor(e.sortedMap[1])), { maxLength: e.maxEntries })
        .map((entries) => sortEntries(keySchema, entries));
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(expr)}`);
  }
}

function structValue(expr: StructExpr): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(expr.fields.map(([name, field]) => [name, valuesFor(field)]));
  return fc.record(fields, { noNullPrototype: true });
}

/** Sorts entries by encoded key and drops later duplicates, as a sortedMap requires. */
export function sortEntries(
  keySchema: Schema<unknown>,
  entries: Array<[unknown, unknown]>,
): Array<[unknown, unknown]> {
  const keyed = entries.map((entry) => ({ key: encode(keySchema, entry[0]), entry }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  return keyed.filter((k, i) => i === 0 || compareBytes(keyed[i - 1].key, k.key) !== 0).map((k) => k.entry);
}
