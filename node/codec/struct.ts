// Structs and variants (specs/codec.md §4.1–4.2): arrays in declaration order, so no field names
// travel and an unknown field shows up as a wrong item count.
import { codecError, misuseRange, misuseType, rethrowAt } from "./path.ts";
import {
  assertNestable,
  DEFAULT_MAX_BYTES,
  describe,
  describeWire,
  type Infer,
  isWireInt,
  type Schema,
  type Simplify,
  type Wire,
} from "./schema.ts";

export interface SchemaOptions {
  /** Inputs longer than this are refused before parsing. Default 1 MiB. */
  maxBytes?: number;
}

export type Fields = Record<string, Schema<unknown>>;
export type InferFields<F extends Fields> = Simplify<{ -readonly [K in keyof F]: Infer<F[K]> }>;

export interface StructSchema<F extends Fields> extends Schema<InferFields<F>> {
  readonly kind: "struct";
  /** Field names and schemas in wire order. */
  readonly fields: ReadonlyArray<readonly [string, Schema<unknown>]>;
  /** Internal: writes the fields of `value` into `out` from `offset`; `extraKeys` are allowed and skipped. */
  fieldsToWire(value: unknown, out: Wire[], offset: number, extraKeys: number): void;
  /** Internal: reads the fields from `raw` starting at `offset` into `target`. */
  fieldsFromWire(raw: readonly unknown[], offset: number, target: Record<string, unknown>): void;
}

export type Cases = Record<string, StructSchema<Fields>>;
export type InferVariant<C extends Cases> = {
  [K in keyof C & string]: Simplify<{ kind: K } & Infer<C[K]>>;
}[keyof C & string];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertName(name: unknown, argument: string): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name) || name === "__proto__") {
    throw new TypeError(`${argument} must be an identifier like "amount", got ${describe(name)}`);
  }
}

function assertOptions(options: SchemaOptions | undefined, argument: string): number {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`${argument}.maxBytes must be a positive integer, got ${describe(maxBytes)}`);
  }
  return maxBytes;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Named fields, encoded as an array in declaration order. */
export function struct<F extends Fields>(name: string, fields: F, options?: SchemaOptions): StructSchema<F> {
  assertName(name, "t.struct: name");
  if (typeof fields !== "object" || fields === null) {
    throw new TypeError(`t.struct: fields must be an object of schemas, got ${describe(fields)}`);
  }
  const maxBytes = assertOptions(options, "t.struct: options");
  const list: Array<readonly [string, Schema<unknown>]> = [];
  for (const [field, schema] of Object.entries(fields)) {
    assertName(field, `t.struct(${name}): field name`);
    if (typeof schema?.toWire !== "function" || typeof schema?.fromWire !== "function") {
      throw new TypeError(
        `t.struct(${name}): field ${field} must be a schema built with t, got ${describe(schema)}`,
      );
    }
    assertNestable(schema, `t.struct(${name}): field ${field}`);
    list.push([field, schema]);
  }
  const names = list.map(([field]) => field);
  const schemas = list.map(([, schema]) => schema);
  const count = list.length;

  const self: StructSchema<F> = {
    kind: "struct",
    name,
    maxBytes,
    fields: list,
    fieldsToWire(value, out, offset, extraKeys) {
      if (!isPlainRecord(value)) throw misuseType(`expected an object (${name}), got ${describe(value)}`);
      let i = 0;
      try {
        for (; i < count; i++) {
          out[offset + i] = schemas[i].toWire(value[names[i]]);
        }
      } catch (error) {
        rethrowAt(error, `.${names[i]}`);
      }
      // a property the schema does not know would be silently lost, so decode(encode(x)) would differ
      let keys = 0;
      for (const key in value) if (Object.hasOwn(value, key)) keys++;
      if (keys !== count + extraKeys) {
        const unknown = Object.keys(value).filter(
          (key) => (extraKeys === 0 || key !== "kind") && !names.includes(key),
        );
        throw misuseRange(
          unknown.length > 0
            ? `unknown field ${unknown.map((key) => JSON.stringify(key)).join(", ")}`
            : "fields must be own properties",
        );
      }
    },
    fieldsFromWire(raw, offset, target) {
      let i = 0;
      try {
        for (; i < count; i++) target[names[i]] = schemas[i].fromWire(raw[offset + i]);
      } catch (error) {
        rethrowAt(error, `.${names[i]}`);
      }
    },
    toWire(value) {
      const out = new Array<Wire>(count);
      self.fieldsToWire(value, out, 0, 0);
      return out;
    },
    fromWire(raw) {
      if (!Array.isArray(raw))
        throw codecError("CODEC_TYPE", `expected ${name} as an array, got ${describeWire(raw)}`);
      if (raw.length !== count) {
        throw codecError(
          "CODEC_LENGTH",
          `expected ${count} fields, got ${raw.length} items${raw.length > count ? " (unknown fields)" : ""}`,
        );
      }
      const target: Record<string, unknown> = {};
      self.fieldsFromWire(raw, 0, target);
      return target as InferFields<F>;
    },
    element: (_wire, index) => [`.${names[index]}`, schemas[index]],
  };
  return self;
}

/** The tag of a variant as the diagnostics see it: an unsigned integer. */
const tagSchema: Schema<number> = {
  kind: "tag",
  name: "tag",
  maxBytes: DEFAULT_MAX_BYTES,
  toWire: (value) => value as number,
  fromWire: (raw) => raw as number,
};

/**
 * A tagged union of structs, encoded as `[tagIndex, ...fields]` with the tag index the case's
 * position in `cases`; decoded as `{ kind: "caseName", ...fields }`. Append new cases at the end:
 * reordering them changes every encoding.
 */
export function variant<C extends Cases>(
  name: string,
  cases: C,
  options?: SchemaOptions,
): Schema<InferVariant<C>> {
  assertName(name, "t.variant: name");
  if (typeof cases !== "object" || cases === null) {
    throw new TypeError(`t.variant: cases must be an object of t.struct schemas, got ${describe(cases)}`);
  }
  const maxBytes = assertOptions(options, "t.variant: options");
  const tags = Object.keys(cases);
  if (tags.length === 0) throw new TypeError(`t.variant(${name}): needs at least one case`);
  const structs = tags.map((tag) => {
    assertName(tag, `t.variant(${name}): case name`);
    const schema = cases[tag];
    if (schema?.kind !== "struct") {
      throw new TypeError(
        `t.variant(${name}): case ${tag} must be a t.struct schema, got ${describe(schema)}`,
      );
    }
    if (schema.fields.some(([field]) => field === "kind")) {
      throw new TypeError(`t.variant(${name}): case ${tag} has a field named "kind", which holds the tag`);
    }
    return schema;
  });
  const indexOf = new Map(tags.map((tag, index) => [tag, index]));

  return {
    kind: "variant",
    name,
    maxBytes,
    toWire(value) {
      if (!isPlainRecord(value))
        throw misuseType(`expected an object with a kind (${name}), got ${describe(value)}`);
      const index = typeof value.kind === "string" ? indexOf.get(value.kind) : undefined;
      if (index === undefined) {
        throw misuseType(
          `kind must be one of ${tags.map((tag) => JSON.stringify(tag)).join(", ")}, got ${describe(value.kind)}`,
        );
      }
      const fields = structs[index];
      const out = new Array<Wire>(1 + fields.fields.length);
      out[0] = index;
      try {
        fields.fieldsToWire(value, out, 1, 1);
      } catch (error) {
        rethrowAt(error, `(${tags[index]})`);
      }
      return out;
    },
    fromWire(raw) {
      if (!Array.isArray(raw))
        throw codecError("CODEC_TYPE", `expected ${name} as an array, got ${describeWire(raw)}`);
      if (raw.length === 0) throw codecError("CODEC_LENGTH", `${name} needs a tag, got an empty array`);
      const tag = raw[0];
      let index: number;
      if (typeof tag === "number" && isWireInt(tag)) index = tag;
      else if (typeof tag === "bigint") index = tag >= 0n && tag < BigInt(tags.length) ? Number(tag) : -1;
      else throw codecError("CODEC_TYPE", `${name} tag must be an integer, got ${describeWire(tag)}`);
      if (index < 0 || index >= tags.length) {
        throw codecError(
          "CODEC_UNKNOWN_TAG",
          `${name} has cases 0..${tags.length - 1}, got tag ${String(tag)}`,
        );
      }
      const fields = structs[index];
      const count = fields.fields.length;
      if (raw.length !== 1 + count) {
        throw codecError(
          "CODEC_LENGTH",
          `case ${tags[index]} has ${count} fields, got ${raw.length - 1}${raw.length - 1 > count ? " (unknown fields)" : ""}`,
        );
      }
      const target: Record<string, unknown> = { kind: tags[index] };
      try {
        fields.fieldsFromWire(raw, 1, target);
      } catch (error) {
        rethrowAt(error, `(${tags[index]})`);
      }
      return target as InferVariant<C>;
    },
    element(wire, index) {
      if (index === 0) return [".kind", tagSchema];
      const tag = wire[0] as number;
      const [field, schema] = structs[tag].fields[index - 1];
      return [`(${tags[tag]}).${field}`, schema];
    },
  };
}
