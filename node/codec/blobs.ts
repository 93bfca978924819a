// Byte strings and text (specs/codec.md §3.5–3.6): bytes travel as bin, text as str of UTF-8.
import { codecError, misuseRange, misuseType } from "./path.ts";
import { DEFAULT_MAX_BYTES, describe, describeWire, type Schema } from "./schema.ts";

function assertCount(value: unknown, argument: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${argument} must be a non-negative integer, got ${describe(value)}`);
  }
}

/** Exactly `length` bytes (hashes, keys, addresses). */
export function bytes(length: number): Schema<Uint8Array> {
  assertCount(length, "t.bytes: length");
  const kind = `bytes(${length})`;
  return {
    kind: "bytes",
    name: kind,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (!(value instanceof Uint8Array))
        throw misuseType(`expected a Uint8Array (${kind}), got ${describe(value)}`);
      if (value.length !== length)
        throw misuseRange(`${kind} needs exactly ${length} bytes, got ${value.length}`);
      return value;
    },
    fromWire(raw) {
      if (!(raw instanceof Uint8Array))
        throw codecError("CODEC_TYPE", `expected ${kind} as bin, got ${describeWire(raw)}`);
      if (raw.length !== length) {
        throw codecError("CODEC_LENGTH", `${kind} needs exactly ${length} bytes, got ${raw.length}`);
      }
      return raw;
    },
  };
}

/** Up to `maxLength` bytes. */
export function varBytes(maxLength: number): Schema<Uint8Array> {
  assertCount(maxLength, "t.varBytes: maxLength");
  const kind = `varBytes(${maxLength})`;
  return {
    kind: "varBytes",
    name: kind,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (!(value instanceof Uint8Array))
        throw misuseType(`expected a Uint8Array (${kind}), got ${describe(value)}`);
      if (value.length > maxLength) {
        throw misuseRange(`${kind} takes at most ${maxLength} bytes, got ${value.length}`);
      }
      return value;
    },
    fromWire(raw) {
      if (!(raw instanceof Uint8Array))
        throw codecError("CODEC_TYPE", `expected ${kind} as bin, got ${describeWire(raw)}`);
      if (raw.length > maxLength) {
        throw codecError("CODEC_LENGTH", `${kind} takes at most ${maxLength} bytes, got ${raw.length}`);
      }
      return raw;
    },
  };
}

/** A lone surrogate has no UTF-8 form, so such a string could not come back from decode unchanged. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Text of at most `maxBytes` bytes of UTF-8. */
export function string(maxBytes: number): Schema<string> {
  assertCount(maxBytes, "t.string: maxBytes");
  const kind = `string(${maxBytes})`;
  return {
    kind: "string",
    name: kind,
    maxBytes: DEFAULT_MAX_BYTES,
    toWire(value) {
      if (typeof value !== "string") throw misuseType(`expected a string (${kind}), got ${describe(value)}`);
      // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count bytes only when the length cannot decide
      if (value.length > maxBytes || (value.length * 3 > maxBytes && Buffer.byteLength(value) > maxBytes)) {
        throw misuseRange(
          `${kind} takes at most ${maxBytes} bytes of UTF-8, got ${Buffer.byteLength(value)}`,
        );
      }
      if (LONE_SURROGATE.test(value))
        throw misuseRange(`${kind} contains a lone surrogate, which UTF-8 cannot hold`);
      return value;
    },
    fromWire(raw) {
      if (typeof raw !== "string")
        throw codecError("CODEC_TYPE", `expected ${kind}, got ${describeWire(raw)}`);
      if (raw.length > maxBytes || (raw.length * 3 > maxBytes && Buffer.byteLength(raw) > maxBytes)) {
        // msgpackr has replaced any invalid UTF-8 by U+FFFD (3 bytes) before this count
        const note = raw.includes("\uFFFD") ? " (counting invalid UTF-8 as U+FFFD)" : "";
        throw codecError(
          "CODEC_LENGTH",
          `${kind} takes at most ${maxBytes} bytes, got ${Buffer.byteLength(raw)}${note}`,
        );
      }
      // msgpackr decodes invalid UTF-8 to U+FFFD, so the re-encoding differs and codec.ts reports
      // CODEC_BAD_UTF8; a decoder that let a lone surrogate through is caught here instead
      if (LONE_SURROGATE.test(raw)) throw codecError("CODEC_BAD_UTF8", `${kind} is not valid UTF-8`);
      return raw;
    },
  };
}
