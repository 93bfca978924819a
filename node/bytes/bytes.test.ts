import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compareBytes, equalBytes, fromHex, toHex } from "./index.ts";

test("compareBytes orders like Buffer.compare, a prefix first", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
      expect(Math.sign(compareBytes(a, b))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(equalBytes(a, b)).toBe(compareBytes(a, b) === 0);
    }),
    { seed: 7, numRuns: 500 },
  );
  expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBeLessThan(0);
});

test("toHex reads a view at an offset", () => {
  const whole = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
  expect(toHex(whole.subarray(1, 3))).toBe("adbe");
  expect(toHex(new Uint8Array(0))).toBe("");
});

describe("fromHex", () => {
  test("reads even-length hex of either case and refuses anything else", () => {
    expect(fromHex("00ffAB")).toEqual(Uint8Array.of(0, 255, 171));
    expect(fromHex("")).toEqual(new Uint8Array(0));
    for (const bad of ["0", "0g", " 00", "0x00"]) expect(fromHex(bad)).toBe(null);
  });
});
