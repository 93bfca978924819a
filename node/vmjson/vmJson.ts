// VM values in JSON (rpc §3): `{"int": "<decimal>"}`, `{"bytes": "<hex>"}`, `{"tuple": [...]}`,
// `null`. Tagged, so a client never has to guess whether "12" was a number or text.
import type { Value } from "../../vm/index.ts";
import { fromHex, toHex } from "../bytes/index.ts";

export type VmJson = null | { int: string } | { bytes: string } | { tuple: VmJson[] };

const INT = /^-?(0|[1-9][0-9]{0,77})$/;
const MAX_DEPTH = 16;
const MAX_ITEMS = 255;

export function vmToJson(v: Value): VmJson {
  if (v === null) return null;
  if (typeof v === "bigint") return { int: v.toString() };
  if (v instanceof Uint8Array) return { bytes: toHex(v) };
  return { tuple: (v as Value[]).map(vmToJson) };
}

/** Reads a VM value from JSON, or throws an Error naming the path. */
export function vmFromJson(j: unknown, path = "value", depth = 0): Value {
  if (depth > MAX_DEPTH) throw new Error(`${path}: nested deeper than ${MAX_DEPTH}`);
  if (j === null) return null;
  if (typeof j !== "object" || Array.isArray(j))
    throw new Error(`${path}: expected null or an object with int, bytes or tuple`);
  const keys = Object.keys(j);
  if (keys.length !== 1) throw new Error(`${path}: expected exactly one of int, bytes, tuple`);
  const o = j as Record<string, unknown>;
  if ("int" in o) {
    if (typeof o.int !== "string" || !INT.test(o.int))
      throw new Error(`${path}.int: expected a decimal integer string`);
    const n = BigInt(o.int);
    // vm §2.1: an Int is signed 257-bit.
    if (n >= 1n << 256n || n < -(1n << 256n)) throw new Error(`${path}.int: outside the VM's 257-bit range`);
    return n;
  }
  if ("bytes" in o) {
    const b = typeof o.bytes === "string" ? fromHex(o.bytes) : null;
    if (b === null) throw new Error(`${path}.bytes: expected hex`);
    return b;
  }
  if ("tuple" in o) {
    if (!Array.isArray(o.tuple) || o.tuple.length > MAX_ITEMS)
      throw new Error(`${path}.tuple: expected a list of at most ${MAX_ITEMS}`);
    return o.tuple.map((x, i) => vmFromJson(x, `${path}.tuple[${i}]`, depth + 1));
  }
  throw new Error(`${path}: expected one of int, bytes, tuple`);
}
