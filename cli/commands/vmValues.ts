// VM values as a person types them on the command line: an integer (`42`, `-7`), bytes (`0x…`),
// `null`, or a JSON array of those for a Tuple (`["0x01", "5", null]`). The node's JSON-RPC takes
// them in the tagged form of rpc §3.

import { fromHex } from "../../node/bytes/index.ts";
import type { VmJson } from "../../node/vmjson/index.ts";
import { limits, type Value, valueSize } from "../../vm/index.ts";
import { usageError } from "../errors.ts";

const INT_LIMIT = 1n << 256n;
const MAX_DEPTH = 16;

/** A value typed on the command line, within the VM's limits (vm §6); `what` names it in a usage error. */
export function parseValue(text: string, what = "value"): Value {
  let value: Value;
  if (text.startsWith("[")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw usageError(`${what} '${text}' is not a JSON array`);
    }
    value = fromJson(json, what, 0);
  } else value = literal(text, what);
  const size = valueSize(value);
  if (size > limits.MAX_VALUE_SIZE)
    throw usageError(`${what} is ${size} size units, over the VM's limit of ${limits.MAX_VALUE_SIZE}`);
  return value;
}

function literal(text: string, what: string): Value {
  if (/^-?(0|[1-9][0-9]{0,77})$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT_LIMIT || n < -INT_LIMIT) throw usageError(`${what} '${text}' is outside 257 bits`);
    return n;
  }
  if (/^0x([0-9a-fA-F]{2})*$/.test(text)) return fromHex(text.slice(2)) as Uint8Array;
  if (text === "null") return null;
  throw usageError(`${what} '${text}' is neither an integer, 0x-prefixed hex bytes, null nor a JSON array`);
}

function fromJson(v: unknown, what: string, depth: number): Value {
  if (depth > MAX_DEPTH) throw usageError(`${what}: Tuples nested deeper than ${MAX_DEPTH}`);
  if (v === null) return null;
  if (typeof v === "string") return literal(v, what);
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (Array.isArray(v)) {
    if (v.length > limits.MAX_TUPLE_ITEMS)
      throw usageError(
        `${what}: a Tuple of ${v.length} items, over the VM's limit of ${limits.MAX_TUPLE_ITEMS}`,
      );
    return v.map((x) => fromJson(x, what, depth + 1));
  }
  throw usageError(`${what}: ${JSON.stringify(v)} is not a VM value (integer, "0x…", null or array)`);
}

/** A tagged value as a person reads it. */
export function showTagged(v: VmJson): string {
  if (v === null) return "null";
  if ("int" in v) return v.int;
  if ("bytes" in v) return `0x${v.bytes}`;
  return `[${v.tuple.map(showTagged).join(", ")}]`;
}
