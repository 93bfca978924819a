// The request/response frames. A request is the handler's bytes in one length-prefixed frame;
// the response is one length-prefixed frame of a status byte and its payload:
//   response := 0x00 payload        (ok: the handler's bytes)
//             | 0x01 utf8-message   (error: at most MAX_ERROR_BYTES of message)
import { MAX_ERROR_BYTES } from "./options.ts";

export const STATUS_OK = 0;
export const STATUS_ERROR = 1;

export type Response = { ok: true; data: Uint8Array } | { ok: false; message: string };

export function encodeOk(data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + data.length);
  frame[0] = STATUS_OK;
  frame.set(data, 1);
  return frame;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

export function encodeError(message: string): Uint8Array {
  const text = utf8.encode(message);
  // A cut may split a UTF-8 sequence; the decoder replaces the broken tail.
  const cut = text.subarray(0, MAX_ERROR_BYTES);
  const frame = new Uint8Array(1 + cut.length);
  frame[0] = STATUS_ERROR;
  frame.set(cut, 1);
  return frame;
}

/**
 * libp2p hands out Node Buffers; the interface promises plain Uint8Arrays (whose subarray and
 * equality behave as such). A view, not a copy.
 */
export function plainBytes(data: Uint8Array): Uint8Array {
  return data.constructor === Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Undefined for a frame that is not a response (empty, unknown status, oversized message). */
export function decodeResponse(frame: Uint8Array): Response | undefined {
  if (frame.length === 0) return undefined;
  const payload = plainBytes(frame.subarray(1));
  if (frame[0] === STATUS_OK) return { ok: true, data: payload };
  if (frame[0] === STATUS_ERROR && payload.length <= MAX_ERROR_BYTES) {
    return { ok: false, message: fromUtf8.decode(payload) };
  }
  return undefined;
}
