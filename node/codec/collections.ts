// Lists, optional values and sorted maps (specs/codec.md §4.3–4.5).
import { codecError, misuseRange, misuseType, rethrowAt } from "./path.ts";
import {
  assertNestable,
  DEFAULT_MAX_BYTES,
  describe,
  describeWire,
  type Infer,
  type Schema,
  type Wire,
} from "./schema.ts";
import { compareBytes, packWire } from "./wire.ts";

function assertMax(value: unknown, argument: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${argument} must be a non-negative integer, got ${describe(value)}`);
  }
}

function assertItemSchema(schema: unknown, argument: string): asserts schema is Schema<unknown> {
  const s = schema as Partial<Schema<unknown>> | null;
  if (
    typeof s !== "object" ||
    s === null ||
    typeof s.toWire !== "function" ||
    typeof s.fromWire !== "function"
  ) {
    throw new TypeError(`${argument} must be a schema built with t, got ${describe(schema)}`);
  }
  assertNestable(s as Schema<unknown>, argument);
}

/** Up to `maxItems` values of one schema, as an array. */
export function list<S extends Schema<unknown>>(item: S, maxItems: number): Schema<Array<Infer<S>>> {
  assertItemSchema(item, "t.list: item");
  assertMax(maxItems, "t.list: maxItems");
  const name = `list<${item.name}>`;
  return {
    kind: "list",
    name,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (!Array.isArray(value)) throw misuseType(`expected an array (${name}), got ${describe(value)}`);
      if (value.length > maxItems)
        throw misuseRange(`${name} takes at most ${maxItems} items, got ${value.length}`);
      const out = new Array<Wire>(value.length);
      let i = 0;
      try {
        for (; i < value.length; i++) out[i] = item.toWire(value[i]);
      } catch (error) {
        rethrowAt(error, `[${i}]`);
      }
      return out;
    },
    fromWire(raw) {
      if (!Array.isArray(raw))
        throw codecError("CODEC_TYPE", `expected ${name} as an array, got ${describeWire(raw)}`);
      if (raw.length > maxItems) {
        throw codecError("CODEC_LENGTH", `${name} takes at most ${maxItems} items, got ${raw.length}`);
      }
      const out = new Array<Infer<S>>(raw.length);
      let i = 0;
      try {
        for (; i < raw.length; i++) out[i] = item.fromWire(raw[i]) as Infer<S>;
      } catch (error) {
        rethrowAt(error, `[${i}]`);
      }
      return out;
    },
    element: (_wire, index) => [`[${index}]`, item],
  };
}

/** A value or its absence, written as nil; decoded as `null`. */
export function optional<S extends Schema<unknown>>(item: S): Schema<Infer<S> | null> {
  assertItemSchema(item, "t.optional: item");
  if (item.kind === "optional")
    throw new TypeError("t.optional: an optional of an optional could not tell its nulls apart");
  return {
    kind: "optional",
    name: `optional<${item.name}>`,
    maxBytes: DEFAULT_MAX_BYTES,
    item,
    toWire(value) {
      if (value === null) return null;
      if (value === undefined) throw misuseType(`expected ${item.name} or null, got undefined`);
      return item.toWire(value);
    },
    fromWire: (raw) => (raw === null ? null : (item.fromWire(raw) as Infer<S>)),
  };
}

/**
 * Up to `maxEntries` key/value pairs, as an array of `[key, value]` in strictly ascending order
 * of the keys' encodings: one order, so one encoding, and no duplicate keys.
 */
export function sortedMap<K extends Schema<unknown>, V extends Schema<unknown>>(
  key: K,
  value: V,
  maxEntries: number,
): Schema<Array<[Infer<K>, Infer<V>]>> {
  assertItemSchema(key, "t.sortedMap: key");
  assertItemSchema(value, "t.sortedMap: value");
  assertMax(maxEntries, "t.sortedMap: maxEntries");
  const name = `sortedMap<${key.name}, ${value.name}>`;
  const entry: Schema<[Infer<K>, Infer<V>]> = {
    kind: "entry",
    name: `entry<${key.name}, ${value.name}>`,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(pair) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw misuseType(`expected a [key, value] pair, got ${describe(pair)}`);
      }
      const k = catchAt(".key", () => key.toWire(pair[0]));
      return [k, catchAt(".value", () => value.toWire(pair[1]))];
    },
    fromWire(raw) {
      if (!Array.isArray(raw))
        throw codecError("CODEC_TYPE", `expected a [key, value] array, got ${describeWire(raw)}`);
      if (raw.length !== 2)
        throw codecError("CODEC_LENGTH", `expected a [key, value] pair, got ${raw.length} items`);
      const k = catchAt(".key", () => key.fromWire(raw[0]) as Infer<K>);
      return [k, catchAt(".value", () => value.fromWire(raw[1]) as Infer<V>)];
    },
    element: (_wire, index) => (index === 0 ? [".key", key] : [".value", value]),
  };
  return {
    kind: "sortedMap",
    name,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(entries) {
      if (!Array.isArray(entries))
        throw misuseType(`expected an array of [key, value] (${name}), got ${describe(entries)}`);
      if (entries.length > maxEntries) {
        throw misuseRange(`${name} takes at most ${maxEntries} entries, got ${entries.length}`);
      }
      const out = new Array<Wire>(entries.length);
      let previous: Uint8Array | undefined;
      for (let i = 0; i < entries.length; i++) {
        const pair = catchAt(`[${i}]`, () => entry.toWire(entries[i])) as [Wire, Wire];
        const encodedKey = packWire(pair[0]);
        if (previous !== undefined && compareBytes(previous, encodedKey) >= 0) {
          throw misuseRange(`keys must be strictly ascending by their encoding; entry ${i} is not`);
        }
        previous = encodedKey;
        out[i] = pair;
      }
      return out;
    },
    fromWire(raw) {
      if (!Array.isArray(raw))
        throw codecError("CODEC_TYPE", `expected ${name} as an array, got ${describeWire(raw)}`);
      if (raw.length > maxEntries) {
        throw codecError("CODEC_LENGTH", `${name} takes at most ${maxEntries} entries, got ${raw.length}`);
      }
      const out = new Array<[Infer<K>, Infer<V>]>(raw.length);
      let previous: Uint8Array | undefined;
      for (let i = 0; i < raw.length; i++) {
        const pair = catchAt(`[${i}]`, () => entry.fromWire(raw[i]));
        // ordered by the canonical encoding of the key; a non-canonical key is refused later anyway
        const encodedKey = packWire(key.toWire(pair[0]));
        if (previous !== undefined && compareBytes(previous, encodedKey) >= 0) {
          throw codecError(
            "CODEC_UNSORTED_KEYS",
            `keys must be strictly ascending by their encoding; entry ${i} is ${
              compareBytes(previous, encodedKey) === 0 ? "a duplicate" : "out of order"
            }`,
          );
        }
        previous = encodedKey;
        out[i] = pair;
      }
      return out;
    },
    element: (_wire, index) => [`[${index}]`, entry],
  };
}

function catchAt<T>(segment: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    rethrowAt(error, segment);
  }
}
