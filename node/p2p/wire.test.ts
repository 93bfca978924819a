// The response frame: status byte and payload, error messages capped, anything else refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ERROR_BYTES } from "./options.ts";
import { decodeResponse, encodeError, encodeOk, plainBytes, STATUS_ERROR, STATUS_OK } from "./wire.ts";

describe("response frames", () => {
  it("round-trips any payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const frame = encodeOk(data);
        expect(frame[0]).toBe(STATUS_OK);
        expect(decodeResponse(frame)).toEqual({ ok: true, data });
      }),
    );
  });

  it("round-trips error messages and cuts long ones", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (message) => {
        expect(decodeResponse(encodeError(message))).toEqual({ ok: false, message });
      }),
    );
    const long = encodeError("x".repeat(5000));
    expect(long[0]).toBe(STATUS_ERROR);
    expect(long.length).toBe(1 + MAX_ERROR_BYTES);
  });

  it("refuses empty frames, unknown statuses and oversized error messages", () => {
    expect(decodeResponse(new Uint8Array(0))).toBeUndefined();
    expect(decodeResponse(new Uint8Array([2, 1, 2]))).toBeUndefined();
    expect(decodeResponse(new Uint8Array([0xff]))).toBeUndefined();
    const tooLong = new Uint8Array(2 + MAX_ERROR_BYTES);
    tooLong[0] = STATUS_ERROR;
    expect(decodeResponse(tooLong)).toBeUndefined();
  });

  it("hands out plain Uint8Arrays over the same memory", () => {
    const buf = Buffer.from([1, 2, 3]);
    const plain = plainBytes(buf);
    expect(plain.constructor).toBe(Uint8Array);
    expect(plain.buffer).toBe(buf.buffer);
    expect([...plain]).toEqual([1, 2, 3]);
    const already = new Uint8Array([4]);
    expect(plainBytes(already)).toBe(already);
  });
});
