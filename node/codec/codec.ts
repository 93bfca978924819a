// encode, decode and hashOf: the bytes side of a schema (specs/codec.md §6). decode accepts a
// byte string only if it is exactly the encoding encode would produce for the value it holds.
import { sha256 } from "../crypto/index.ts";
import { encodings } from "./arena.ts";
import { explainMismatch } from "./diagnose.ts";
import { CodecError } from "./errors.ts";
import { rethrowFrom } from "./path.ts";
import { assertSchema, describe, type OwnBytes, type Schema, type Wire } from "./schema.ts";
import { equalBytes, packWireShared, unpackFirst } from "./wire.ts";

/** The canonical bytes of `value`, in the writer's shared buffer (callers copy or hash them at once). */
function encodeShared<T>(schema: Schema<T>, value: T): Uint8Array {
  if (schema.ownBytes !== undefined) {
    try {
      return schema.ownBytes.write(value);
    } catch (error) {
      rethrowFrom(error, schema.name);
    }
  }
  let wire: Wire;
  try {
    wire = schema.toWire(value);
  } catch (error) {
    rethrowFrom(error, schema.name);
  }
  const bytes = packWireShared(wire);
  if (bytes.length > schema.maxBytes) {
    throw new RangeError(
      `${schema.name}: encodes to ${bytes.length} bytes, over its limit of ${schema.maxBytes}`,
    );
  }
  return bytes;
}

/**
 * The one byte encoding of `value`. Throws TypeError/RangeError, naming the field, if `value` does
 * not fit `schema`. The array is carved from a shared chunk (node/bytes' Arena): never transfer
 * its buffer, and keep a copy of it in anything long-lived.
 */
export function encode<T>(schema: Schema<T>, value: T): Uint8Array {
  assertSchema(schema, "encode: schema");
  return encodings.copy(encodeShared(schema, value));
}

/** sha256 of the canonical encoding: the identity of a protocol object. */
export function hashOf<T>(schema: Schema<T>, value: T): Uint8Array {
  assertSchema(schema, "hashOf: schema");
  return sha256(encodeShared(schema, value));
}

/**
 * The value whose canonical encoding is exactly `bytes`. Anything else — too long, malformed,
 * trailing bytes, a wrong type, out of range, over a cap, not canonical — throws CodecError.
 */
export function decode<T>(schema: Schema<T>, bytes: Uint8Array): T {
  return decodeWith(schema, bytes, false);
}

/**
 * `decode`, but the byte strings of the value may be views into `bytes` instead of copies: for a
 * caller that keeps `bytes` as long as the value (a message and the encoding it arrived in), and
 * changes neither. A copy of a body over 64 bytes is an array off V8's heap, a malloc and a free.
 */
export function decodeViews<T>(schema: Schema<T>, bytes: Uint8Array): T {
  return decodeWith(schema, bytes, true);
}

function decodeWith<T>(schema: Schema<T>, bytes: Uint8Array, views: boolean): T {
  assertSchema(schema, "decode: schema");
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`decode: bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length > schema.maxBytes) {
    throw new CodecError(
      "CODEC_TOO_LARGE",
      `${bytes.length} bytes is over the limit of ${schema.maxBytes}`,
      schema.name,
    );
  }
  if (bytes.length === 0) throw new CodecError("CODEC_MALFORMED", "no bytes", schema.name);
  if (schema.ownBytes !== undefined) return decodeOwn(schema, schema.ownBytes, bytes);

  let raw: unknown;
  let end: number;
  try {
    ({ value: raw, end } = unpackFirst(bytes, views));
  } catch (error) {
    // msgpackr's own errors (truncation, impossible lengths, stack depth): the bytes are not MessagePack
    throw new CodecError("CODEC_MALFORMED", `not MessagePack: ${messageOf(error)}`, schema.name);
  }
  if (end !== bytes.length) {
    throw new CodecError(
      "CODEC_TRAILING_BYTES",
      `the value ends at offset ${end} but ${bytes.length - end} more bytes follow`,
      schema.name,
    );
  }

  let value: T;
  try {
    value = schema.fromWire(raw);
  } catch (error) {
    rethrowFrom(error, schema.name);
  }

  // The proof of canonicality: the value must re-encode to the very same bytes. A throw here is
  // a bug in the codec (fromWire gave something toWire refuses), not bad input, so it escapes.
  const wire = schema.toWire(value);
  const canonical = packWireShared(wire);
  if (!equalBytes(canonical, bytes)) throw explainMismatch(schema, wire, bytes, canonical);
  return value;
}

/** decode for a schema with its own byte codec, which refuses every non-canonical form itself. */
function decodeOwn<T>(schema: Schema<T>, own: OwnBytes<T>, bytes: Uint8Array): T {
  let value: T;
  try {
    value = own.read(bytes);
  } catch (error) {
    rethrowFrom(error, schema.name);
  }
  // The same proof as for wire trees; here a difference can only be a bug in that codec, so it escapes.
  if (!equalBytes(own.write(value), bytes)) {
    throw new Error(`${schema.name}: decoded a value that does not re-encode to its input (a codec bug)`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
