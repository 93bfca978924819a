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

test("toHex spells every byte of arrays of every length, on either side of 64 bytes, as Buffer does", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(8), (bytes, skip) => {
      const view = bytes.subarray(Math.min(skip, bytes.length));
      const want = Buffer.from(view).toString("hex");
      expect(toHex(view)).toBe(want);
      expect(toHex(view.slice())).toBe(want);
      expect(fromHex(toHex(view))).toEqual(view.slice());
    }),
    { seed: 11, numRuns: 1000 },
  );
  // Two calls in a row with the same length do not share their answers.
  expect([toHex(Uint8Array.of(1, 2)), toHex(Uint8Array.of(3, 4))]).toEqual(["0102", "0304"]);
});

describe("fromHex", () => {
  test("reads even-length hex of either case and refuses anything else", () => {
    expect(fromHex("00ffAB")).toEqual(Uint8Array.of(0, 255, 171));
    expect(fromHex("")).toEqual(new Uint8Array(0));
    for (const bad of ["0", "0g", " 00", "0x00", "00 ", "g0", "000g", "0g00", "ab\u00e9f", "-1"])
      expect(fromHex(bad)).toBe(null);
    const long = "ab".repeat(199);
    for (let i = 0; i < long.length; i += 37)
      expect(fromHex(`${long.slice(0, i)}x${long.slice(i + 1)}`)).toBe(null);
    expect(fromHex(`${long}0`)).toBe(null);
  });

  test("reads long strings whole, and a result does not change with later reads", () => {
    const a = fromHex("11".repeat(300));
    const b = fromHex("22".repeat(300));
    expect(a).toEqual(new Uint8Array(300).fill(0x11));
    expect(b).toEqual(new Uint8Array(300).fill(0x22));
    expect(fromHex("33".repeat(64))?.constructor).toBe(Uint8Array);
  });
});
