// Why a decoded value's canonical encoding differs from the input (specs/codec.md §6.1, step 4).
// Only runs on refusal: it walks the canonical wire tree to the first differing byte and names
// the field there, and what it finds there tells a float, invalid UTF-8 and a long form apart.
import { CodecError } from "./errors.ts";
import type { Schema, Wire } from "./schema.ts";
import { arrayHeaderSize, binHeaderSize, wireSize } from "./wire.ts";

const INTEGER_KINDS = new Set(["u8", "u16", "u32", "u64", "i64", "tag"]);
const BIN_KINDS = new Set(["bytes", "varBytes", "int257"]);
const hex = (byte: number | undefined): string =>
  byte === undefined ? "the end" : `0x${byte.toString(16).padStart(2, "0")}`;

export function explainMismatch(
  root: Schema<unknown>,
  wire: Wire,
  input: Uint8Array,
  canonical: Uint8Array,
): CodecError {
  let at = 0;
  while (at < input.length && at < canonical.length && input[at] === canonical[at]) at++;

  let schema = root;
  let node = wire;
  let start = 0;
  let path = root.name;
  for (;;) {
    if (schema.item !== undefined && node !== null) {
      schema = schema.item;
      continue;
    }
    if (!Array.isArray(node) || node.length === 0 || schema.element === undefined) break;
    const header = arrayHeaderSize(node.length);
    if (at < start + header) {
      return new CodecError(
        "CODEC_NOT_CANONICAL",
        `array header not in its shortest form (offset ${at})`,
        path,
      );
    }
    let offset = start + header;
    let index = 0;
    while (index < node.length - 1 && at >= offset + wireSize(node[index])) offset += wireSize(node[index++]);
    const [segment, child] = schema.element(node, index);
    path += segment;
    schema = child;
    node = node[index];
    start = offset;
  }

  const found = input[start];
  if ((found >= 0xc7 && found <= 0xc9) || (found >= 0xd4 && found <= 0xd8)) {
    // msgpackr turns some ext types into bigints or typed arrays, which the walk cannot tell apart
    return new CodecError("CODEC_TYPE", `expected ${schema.name}, got an ext type (offset ${start})`, path);
  }
  if (INTEGER_KINDS.has(schema.kind) && (found === 0xca || found === 0xcb)) {
    return new CodecError("CODEC_TYPE", `expected an integer, got a float (offset ${start})`, path);
  }
  if (schema.kind === "string") {
    const payload = strPayload(input, start);
    if (payload !== undefined && !isUtf8(payload)) {
      return new CodecError("CODEC_BAD_UTF8", `string is not valid UTF-8 (offset ${start})`, path);
    }
    return new CodecError(
      "CODEC_NOT_CANONICAL",
      `string length not in its shortest form (offset ${start})`,
      path,
    );
  }
  if (INTEGER_KINDS.has(schema.kind)) {
    return new CodecError("CODEC_NOT_CANONICAL", `integer not in its shortest form (offset ${start})`, path);
  }
  if (BIN_KINDS.has(schema.kind) && node instanceof Uint8Array && at < start + binHeaderSize(node.length)) {
    return new CodecError(
      "CODEC_NOT_CANONICAL",
      `bin length not in its shortest form (offset ${start})`,
      path,
    );
  }
  return new CodecError(
    "CODEC_NOT_CANONICAL",
    `not the canonical encoding: byte ${hex(input[at])} at offset ${at} should be ${hex(canonical[at])}`,
    path,
  );
}

/** The payload of the str at `start` of the input, read by hand (msgpackr has already replaced bad UTF-8). */
function strPayload(input: Uint8Array, start: number): Uint8Array | undefined {
  const token = input[start];
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let header: number;
  let length: number;
  if (token >= 0xa0 && token <= 0xbf) [header, length] = [1, token - 0xa0];
  else if (token === 0xd9) [header, length] = [2, input[start + 1]];
  else if (token === 0xda) [header, length] = [3, view.getUint16(start + 1)];
  else if (token === 0xdb) [header, length] = [5, view.getUint32(start + 1)];
  else return undefined;
  return input.subarray(start + header, start + header + length);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
