import { describe, expect, test } from "vitest";
import { assertBytes, assertLength, fromNodeBuffer } from "./bytes.ts";

describe("assertBytes", () => {
  test("accepts Uint8Array and Buffer", () => {
    expect(() => assertBytes(new Uint8Array(2), "x")).not.toThrow();
    expect(() => assertBytes(Buffer.alloc(2), "x")).not.toThrow();
  });

  test("names the argument and what it got", () => {
    expect(() => assertBytes("00", "data")).toThrow(new TypeError("data must be a Uint8Array, got string"));
    expect(() => assertBytes([1, 2], "data")).toThrow(/data must be a Uint8Array, got Array/);
    expect(() => assertBytes(null, "data")).toThrow(/got null/);
    expect(() => assertBytes(new Uint16Array(2), "data")).toThrow(/got Uint16Array/);
  });
});

describe("assertLength", () => {
  test("throws a RangeError with the expected and actual lengths", () => {
    expect(() => assertLength(new Uint8Array(31), 32, "seed")).toThrow(
      new RangeError("seed must be 32 bytes, got 31"),
    );
    expect(() => assertLength(new Uint8Array(32), 32, "seed")).not.toThrow();
  });
});

describe("fromNodeBuffer", () => {
  test("views a buffer that owns its memory, as a plain Uint8Array", () => {
    const buf = Buffer.alloc(32, 7);
    const out = fromNodeBuffer(buf);
    expect(out.constructor).toBe(Uint8Array);
    expect(out.buffer).toBe(buf.buffer);
    expect(Array.from(out)).toEqual(Array.from(buf));
  });

  test("copies a slice of a shared pool, so .buffer holds only the result", () => {
    const pooled = Buffer.from("abc"); // small Buffer.from results live in Node's shared pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(3);
    const out = fromNodeBuffer(pooled);
    expect(out.constructor).toBe(Uint8Array);
    expect(out.buffer.byteLength).toBe(3);
    expect(Array.from(out)).toEqual([0x61, 0x62, 0x63]);
  });
});
