// Param parsers for method authors: one line per field, each refusal an INVALID_PARAMS error
// that names the field. Params come from JSON.parse, so only JSON values reach them.
import { invalidParams } from "./errors.ts";

/**
 * Reads one value or throws INVALID_PARAMS. `field` is the path shown in the message
 * ("address", "payments[0].to"); the top-level call leaves it out.
 */
export type Parser<T> = (raw: unknown, field?: string) => T;

/** The type a parser produces: `type GetAccount = Infer<typeof getAccountParams>`. */
export type Infer<P> = P extends Parser<infer T> ? T : never;

const optionalParsers = new WeakSet<Parser<unknown>>();

/** The field may be left out; it then reads as `undefined`. A JSON `null` is still refused. */
export function optional<T>(parser: Parser<T>): Parser<T | undefined> {
  const read: Parser<T | undefined> = (raw, field) => (raw === undefined ? undefined : parser(raw, field));
  optionalParsers.add(read);
  return read;
}

type Shape = Record<string, Parser<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/**
 * An object with exactly the keys of `shape`: an unknown key (`__proto__` included) is refused.
 * Params left out altogether read as `{}`, so a method whose fields are all optional takes none.
 */
export function object<S extends Shape>(shape: S): Parser<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return (raw, field) => {
    const value = raw === undefined && field === undefined ? {} : raw;
    if (!isObject(value)) throw invalidParams(field ?? "params", `expected an object, got ${describe(raw)}`);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) throw invalidParams(field ?? "params", `unknown field ${quote(key)}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const path = field === undefined ? key : `${field}.${key}`;
      const parser = shape[key];
      if (!Object.hasOwn(value, key) && !optionalParsers.has(parser)) throw invalidParams(path, "required");
      out[key] = parser(value[key], path);
    }
    return out as ObjectOf<S>;
  };
}

/** No params: absent, `[]` or `{}`. */
export const none: Parser<undefined> = (raw, field) => {
  const empty =
    raw === undefined ||
    (Array.isArray(raw) && raw.length === 0) ||
    (isObject(raw) && Object.keys(raw).length === 0);
  if (!empty) throw invalidParams(field ?? "params", "this method takes no params");
  return undefined;
};

export function string(
  limits: { minLength?: number; maxLength?: number; pattern?: RegExp } = {},
): Parser<string> {
  const { minLength = 0, maxLength = Number.POSITIVE_INFINITY, pattern } = limits;
  return (raw, field = "params") => {
    if (typeof raw !== "string") throw invalidParams(field, `expected a string, got ${describe(raw)}`);
    if (raw.length < minLength || raw.length > maxLength) {
      throw invalidParams(field, `expected ${minLength}..${maxLength} characters, got ${raw.length}`);
    }
    if (pattern !== undefined && !pattern.test(raw))
      throw invalidParams(field, `${quote(raw)} does not match ${pattern}`);
    return raw;
  };
}

/** Exactly `byteLength` bytes as 2·byteLength hex digits (either case, no 0x), read into bytes. */
export function hex(byteLength: number): Parser<Uint8Array> {
  assertCount("byteLength", byteLength);
  const digits = new RegExp(`^[0-9a-fA-F]{${byteLength * 2}}$`);
  return (raw, field = "params") => {
    if (typeof raw !== "string" || !digits.test(raw)) {
      const got = typeof raw === "string" ? quote(raw) : describe(raw);
      throw invalidParams(field, `expected ${byteLength} bytes as ${byteLength * 2} hex digits, got ${got}`);
    }
    return new Uint8Array(Buffer.from(raw, "hex"));
  };
}

/** A JSON number that is an integer in min..max (defaults 0..2^53-1). */
export function uint(range: { min?: number; max?: number } = {}): Parser<number> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  assertCount("min", min);
  assertCount("max", max);
  return (raw, field = "params") => {
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
      throw invalidParams(field, `expected an integer in ${min}..${max}, got ${describe(raw, true)}`);
    }
    return raw;
  };
}

/**
 * An integer written as a decimal string ("1500000000"), for amounts past 2^53: no sign unless
 * `min` is negative, no leading zeros, at most 80 digits. Defaults to min 0.
 */
export function bigintString(range: { min?: bigint; max?: bigint } = {}): Parser<bigint> {
  const { min = 0n, max } = range;
  const shape = min < 0n ? /^-?(0|[1-9][0-9]{0,79})$/ : /^(0|[1-9][0-9]{0,79})$/;
  const bounds = `${min}..${max ?? ""}`;
  return (raw, field = "params") => {
    if (typeof raw !== "string" || !shape.test(raw) || raw === "-0") {
      const got = typeof raw === "string" ? quote(raw) : describe(raw);
      throw invalidParams(field, `expected a decimal integer string in ${bounds}, got ${got}`);
    }
    const value = BigInt(raw);
    if (value < min || (max !== undefined && value > max)) {
      throw invalidParams(field, `expected a decimal integer string in ${bounds}, got ${quote(raw)}`);
    }
    return value;
  };
}

export const boolean: Parser<boolean> = (raw, field = "params") => {
  if (typeof raw !== "boolean") throw invalidParams(field, `expected true or false, got ${describe(raw)}`);
  return raw;
};

/** One of a few strings: `oneOf("raw", "friendly")`. */
export function oneOf<const V extends string>(...values: V[]): Parser<V> {
  const allowed = new Set<string>(values);
  return (raw, field = "params") => {
    if (typeof raw !== "string" || !allowed.has(raw)) {
      const got = typeof raw === "string" ? quote(raw) : describe(raw);
      throw invalidParams(field, `expected one of ${values.map((v) => `"${v}"`).join(", ")}, got ${got}`);
    }
    return raw as V;
  };
}

/** An array of at most `maxLength` items, each read by `item`. */
export function array<T>(item: Parser<T>, limits: { maxLength: number }): Parser<T[]> {
  assertCount("maxLength", limits.maxLength);
  return (raw, field = "params") => {
    if (!Array.isArray(raw)) throw invalidParams(field, `expected an array, got ${describe(raw)}`);
    if (raw.length > limits.maxLength) {
      throw invalidParams(field, `expected at most ${limits.maxLength} items, got ${raw.length}`);
    }
    return raw.map((v, i) => item(v, `${field}[${i}]`));
  };
}

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw);
}

function describe(raw: unknown, showNumber = false): string {
  if (raw === null) return "null";
  if (raw === undefined) return "nothing";
  if (Array.isArray(raw)) return "an array";
  if (typeof raw === "number" && showNumber) return String(raw);
  if (typeof raw === "object") return "an object";
  return `a ${typeof raw}`;
}

/** Quotes client input for a message, cut short so an echoed value cannot flood a log line. */
export function quote(text: string): string {
  return text.length > 40
    ? `${JSON.stringify(text.slice(0, 32))}… (${text.length} characters)`
    : JSON.stringify(text);
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}
