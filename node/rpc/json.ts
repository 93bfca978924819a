// JSON in and out of the wire. In: strict UTF-8, JSON.parse, and a nesting cap checked without
// recursion. Out: bigint as a decimal string, Uint8Array as lower-case hex, undefined as null.
import { toHex } from "../bytes/index.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";

/** Deeper values are refused before any handler sees them. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Bytes of a request to a JSON value; PARSE_ERROR or INVALID_REQUEST (too deep) on failure. */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new RpcError(RpcErrorCode.PARSE_ERROR, "parse error: the body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RpcError(RpcErrorCode.PARSE_ERROR, `parse error: ${(err as Error).message.slice(0, 200)}`);
  }
  if (depthExceeds(value, MAX_JSON_DEPTH)) {
    throw new RpcError(
      RpcErrorCode.INVALID_REQUEST,
      `invalid request: nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  return value;
}

function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

/** The wire form of a result, payload or error data. Throws on a cycle (a handler's bug). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, replacer) ?? "null";
}
