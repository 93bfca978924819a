// What a schema is. A schema turns a typed value into the plain tree msgpackr writes ("wire")
// and back, checking every rule on the way; codec.ts adds the bytes, the size cap and the
// canonicality proof. Build schemas with `t` (t.ts), never by hand.

/** The only shapes that reach msgpackr: specs/codec.md §2 maps each to its bytes. */
export type Wire = null | boolean | number | bigint | string | Uint8Array | Wire[];

export interface Schema<T> {
  /** The combinator that built it: "u8", "bytes", "struct", … */
  readonly kind: string;
  /** The name paths start with: a struct's or variant's own name, else a description like `list<u8>`. */
  readonly name: string;
  /** Inputs longer than this are refused before parsing (CODEC_TOO_LARGE); encode refuses to exceed it. */
  readonly maxBytes: number;
  /** Internal: checks a caller's value (TypeError/RangeError on misuse) and gives its wire tree. */
  toWire(value: unknown): Wire;
  /** Internal: checks a tree msgpackr produced from untrusted bytes (CodecError) and gives the value. */
  fromWire(raw: unknown): T;
  /** Internal, diagnostics only: the path segment and schema of element `index` of this schema's wire array. */
  element?(wire: readonly Wire[], index: number): readonly [segment: string, schema: Schema<unknown>];
  /** Internal, diagnostics only: set on `optional`, the schema a present value uses. */
  readonly item?: Schema<unknown>;
  /**
   * Internal: set on a schema that writes and reads its own bytes instead of a wire tree, because
   * its values nest deeper than msgpackr's recursion reaches (t.vmValue). Such a schema is only
   * ever a root: the combinators refuse it as an item (assertNestable).
   */
  readonly ownBytes?: OwnBytes<T>;
}

/** The byte codec of a schema that does not go through msgpackr (Schema.ownBytes). */
export interface OwnBytes<T> {
  /** The canonical bytes of `value`, in a buffer the next call overwrites; TypeError/RangeError on misuse. */
  write(value: unknown): Uint8Array;
  /** The value whose canonical encoding is exactly `bytes`; CodecError for anything else. */
  read(bytes: Uint8Array): T;
}

/** The decoded type of a schema. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Flattens intersections so editors show `{ kind: "a"; x: number }` rather than `{ kind: "a" } & {...}`. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Checks that `schema` was built by `t` — the public entry points call this on their argument. */
export function assertSchema(schema: unknown, argument: string): asserts schema is Schema<unknown> {
  const s = schema as Partial<Schema<unknown>> | null;
  if (
    typeof s !== "object" ||
    s === null ||
    typeof s.toWire !== "function" ||
    typeof s.fromWire !== "function" ||
    typeof s.kind !== "string"
  ) {
    throw new TypeError(`${argument} must be a schema built with t (e.g. t.u64), got ${describe(schema)}`);
  }
}

/** Refuses, as an item of a combinator, a schema that only works as a root (Schema.ownBytes). */
export function assertNestable(schema: Schema<unknown>, argument: string): void {
  if (schema.ownBytes !== undefined) {
    throw new TypeError(
      `${argument} cannot be ${schema.name}, which is only encoded on its own: carry its encoding as t.varBytes`,
    );
  }
}

/** A short, safe description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
      return `${Object.is(value, -0) ? "-0" : String(value)} (number)`;
    case "bigint":
      return `${value}n`;
    case "string":
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case "boolean":
      return String(value);
    case "object":
      if (value instanceof Uint8Array) return `${value.length} bytes`;
      if (Array.isArray(value)) return `an array of ${value.length} items`;
      return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? "no prototype"})`;
    default:
      return `a ${typeof value}`;
  }
}

/** What msgpackr produced, in MessagePack's terms, for decode errors. */
export function describeWire(raw: unknown): string {
  if (raw instanceof Map) return "a map";
  if (raw === null) return "nil";
  switch (typeof raw) {
    case "boolean":
      return "a boolean";
    case "number":
      return isWireInt(raw) ? "an integer" : "a float";
    case "bigint":
      return "an integer";
    case "string":
      return "a string";
    case "object":
      if (raw instanceof Uint8Array) return `bin (${raw.length} bytes)`;
      if (Array.isArray(raw)) return `an array of ${raw.length} items`;
      return "an ext type";
    default:
      return "an ext type";
  }
}

/**
 * msgpackr gives numbers for the int forms up to 32 bits and for floats, bigints for int64/uint64:
 * a number outside [-2^31, 2^32-1] or with a fraction can only have been a float.
 */
export const isWireInt = (n: number): boolean => Number.isInteger(n) && n >= -0x80000000 && n <= 0xffffffff;
