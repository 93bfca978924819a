// VM values (vm §2). Outside the VM an Int is always a bigint and a Tuple a readonly array. Inside,
// an Int that fits a safe JS integer is held as a number so that counters and indices take V8's
// small-integer fast path; `norm` keeps that form canonical (a number exactly when |x| < 2^53), so
// two equal Ints always have the same representation.
import { trap } from "./errors.ts";
import { EXIT } from "./exitCodes.ts";
import { toHex } from "./hex.ts";
import { INT_MAX, INT_MIN, MAX_TUPLE_DEPTH, MAX_TUPLE_ITEMS, MAX_VALUE_SIZE } from "./limits.ts";

/** A VM value as the host sees it. */
export type Value = bigint | Uint8Array | readonly Value[] | null;

/** An Int inside the VM: a number when it is a safe integer, else a bigint. */
export type Int = number | bigint;

/** A Tuple inside the VM: immutable items, its size (vm §2.5) and its depth (vm §2.4), computed once. */
export class Tuple {
  readonly items: readonly Item[];
  readonly size: number;
  readonly depth: number;
  constructor(items: readonly Item[], size: number, depth: number) {
    this.items = items;
    this.size = size;
    this.depth = depth;
  }
}

/** A value inside the VM. */
export type Item = Int | Uint8Array | Tuple | null;

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(SAFE);

/** The canonical internal form of an Int; INT_OVERFLOW outside 257 bits (vm §2.1). */
export function norm(b: bigint): Int {
  if (b <= SAFE_BIG && b >= -SAFE_BIG) return Number(b);
  if (b > INT_MAX || b < INT_MIN) trap(EXIT.INT_OVERFLOW);
  return b;
}

export function big(x: Int): bigint {
  return typeof x === "number" ? BigInt(x) : x;
}

/** The result of a number operation that may have left the safe range. */
export function numOrBig(r: number, exact: () => bigint): Int {
  return r <= SAFE && r >= -SAFE ? r : norm(exact());
}

export function isInt(v: Item): v is Int {
  return typeof v === "number" || typeof v === "bigint";
}

/** Size units of a value (vm §2.5): Null 1, Int 33, Bytes 3 + length, Tuple 2 + its items. */
export function sizeOf(v: Item): number {
  if (v === null) return 1;
  if (typeof v === "number" || typeof v === "bigint") return 33;
  if (v instanceof Uint8Array) return 3 + v.length;
  return v.size;
}

/** Size units of a host value (vm §2.5), as `sizeOf` counts the VM's own. */
export function valueSize(v: Value): number {
  if (v === null) return 1;
  if (typeof v === "bigint") return 33;
  if (v instanceof Uint8Array) return 3 + v.length;
  let size = 2;
  for (const x of v) size += valueSize(x);
  return size;
}

/** A new Tuple; RANGE past 255 items, VALUE_TOO_LARGE past the size or depth limit. */
export function makeTuple(items: readonly Item[]): Tuple {
  if (items.length > MAX_TUPLE_ITEMS) trap(EXIT.RANGE);
  let size = 2;
  let inner = 0;
  for (const it of items) {
    size += sizeOf(it);
    if (it instanceof Tuple && it.depth > inner) inner = it.depth;
  }
  if (size > MAX_VALUE_SIZE || inner >= MAX_TUPLE_DEPTH) trap(EXIT.VALUE_TOO_LARGE);
  return new Tuple(items, size, inner + 1);
}

/** New Bytes; VALUE_TOO_LARGE past the size limit. */
export function checkBytes(b: Uint8Array): Uint8Array {
  if (b.length + 3 > MAX_VALUE_SIZE) trap(EXIT.VALUE_TOO_LARGE);
  return b;
}

/**
 * A host value in the VM's form. Misuse (a value the VM cannot hold) is the caller's bug and
 * throws TypeError/RangeError naming `what`.
 */
export function toItem(v: Value, what = "value"): Item {
  const item = toItemRec(v, what, 0);
  if (sizeOf(item) > MAX_VALUE_SIZE)
    throw new RangeError(`${what}: larger than ${MAX_VALUE_SIZE} size units`);
  return item;
}

function toItemRec(v: Value, what: string, depth: number): Item {
  if (v === null) return null;
  if (typeof v === "bigint") {
    if (v > INT_MAX || v < INT_MIN) throw new RangeError(`${what}: Int ${v} is outside 257 bits`);
    return v <= SAFE_BIG && v >= -SAFE_BIG ? Number(v) : v;
  }
  if (v instanceof Uint8Array) {
    if (v.length + 3 > MAX_VALUE_SIZE)
      throw new RangeError(`${what}: Bytes of ${v.length} bytes is too long`);
    return v.slice();
  }
  if (Array.isArray(v)) {
    if (v.length > MAX_TUPLE_ITEMS) throw new RangeError(`${what}: Tuple of ${v.length} items`);
    if (depth >= MAX_TUPLE_DEPTH)
      throw new RangeError(`${what}: Tuples nested deeper than ${MAX_TUPLE_DEPTH}`);
    const items = v.map((x: Value) => toItemRec(x, what, depth + 1));
    let size = 2;
    let inner = 0;
    for (const it of items) {
      size += sizeOf(it);
      if (it instanceof Tuple && it.depth > inner) inner = it.depth;
    }
    if (size > MAX_VALUE_SIZE) throw new RangeError(`${what}: larger than ${MAX_VALUE_SIZE} size units`);
    return new Tuple(items, size, inner + 1);
  }
  throw new TypeError(`${what}: not a VM value (bigint, Uint8Array, array or null): ${String(v)}`);
}

/** A VM value in the host's form. Bytes are copied, so the host cannot alias VM memory. */
export function toValue(v: Item): Value {
  if (v === null) return null;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "bigint") return v;
  if (v instanceof Uint8Array) return v.slice();
  return v.items.map(toValue);
}

/** Structural equality of two host values (for tests and vector runners). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === "bigint" || typeof b === "bigint") return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
  return true;
}

/** A short readable form, for DUMP and for test messages. */
export function showValue(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `x"${toHex(v)}"`;
  return `[${v.map(showValue).join(" ")}]`;
}
