import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatGrams, MAX_NANO, parseGrams, UnitsError } from "./index.ts";

const seeded = { seed: 0x6a7a_11, numRuns: 500 };

const refusal = (text: string): UnitsError => {
  try {
    parseGrams(text);
  } catch (err) {
    if (err instanceof UnitsError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
};

describe("parseGrams", () => {
  test.each([
    ["12", 12_000_000_000n],
    ["1.5", 1_500_000_000n],
    ["0.000000001", 1n],
    ["0", 0n],
    ["0.0", 0n],
    ["007.250", 7_250_000_000n],
    ["1.000000000", 1_000_000_000n],
    ["18446744073.709551615", MAX_NANO],
  ])("reads %s as %s nano", (text, nano) => {
    expect(parseGrams(text)).toBe(nano);
  });

  test.each([
    ["", "UNITS_BAD_AMOUNT", "empty"],
    ["-1", "UNITS_BAD_AMOUNT", "sign"],
    ["+1", "UNITS_BAD_AMOUNT", "sign"],
    ["1e9", "UNITS_BAD_AMOUNT", "exponent"],
    ["1E-3", "UNITS_BAD_AMOUNT", "exponent"],
    [" 1", "UNITS_BAD_AMOUNT", "space"],
    ["1 000", "UNITS_BAD_AMOUNT", "space"],
    ["1,5", "UNITS_BAD_AMOUNT", "comma"],
    ["1,000.5", "UNITS_BAD_AMOUNT", "comma"],
    [".5", "UNITS_BAD_AMOUNT", "not a number"],
    ["1.", "UNITS_BAD_AMOUNT", "not a number"],
    ["1.2.3", "UNITS_BAD_AMOUNT", "not a number"],
    ["0x10", "UNITS_BAD_AMOUNT", "not a number"],
    ["NaN", "UNITS_BAD_AMOUNT", "not a number"],
    ["Infinity", "UNITS_BAD_AMOUNT", "not a number"],
    ["١", "UNITS_BAD_AMOUNT", "not a number"],
    ["9".repeat(300), "UNITS_BAD_AMOUNT", "too long"],
    ["0.0000000001", "UNITS_TOO_PRECISE", "10 decimals"],
    ["1.5000000000", "UNITS_TOO_PRECISE", "10 decimals"],
    ["18446744073.709551616", "UNITS_TOO_LARGE", "18446744073.709551615"],
    ["99999999999999999999", "UNITS_TOO_LARGE", "largest"],
  ])("refuses %j (%s)", (text, code, words) => {
    const err = refusal(text);
    expect(err.code).toBe(code);
    expect(err.message).toContain(words);
    expect(err.message).not.toContain("\n");
  });

  test("a long input is shortened in the message", () => {
    expect(refusal(`1,${"0".repeat(500)}`).message.length).toBeLessThan(200);
  });

  test("misuse is a TypeError", () => {
    expect(() => parseGrams(1 as unknown as string)).toThrow(TypeError);
  });
});

describe("formatGrams", () => {
  test.each([
    [1_500_000_000n, "1.5"],
    [0n, "0"],
    [1n, "0.000000001"],
    [12_000_000_000n, "12"],
    [10_000_000_010n, "10.00000001"],
    [MAX_NANO, "18446744073.709551615"],
    [MAX_NANO * 1000n, "18446744073709.551615"],
  ])("writes %s nano as %s", (nano, text) => {
    expect(formatGrams(nano)).toBe(text);
  });

  test("misuse is a TypeError or RangeError naming the value", () => {
    expect(() => formatGrams(1 as unknown as bigint)).toThrow(TypeError);
    expect(() => formatGrams(-1n)).toThrow(/got -1/);
  });
});

describe("round trips (property)", () => {
  test("parse(format(n)) = n for every amount a message can carry", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_NANO }), (nano) => {
        expect(parseGrams(formatGrams(nano))).toBe(nano);
      }),
      seeded,
    );
  });

  // Canonical text: no leading zeros, 0..9 decimals without trailing zeros.
  const canonical = fc
    .tuple(fc.bigInt({ min: 0n, max: 18_446_744_072n }), fc.stringMatching(/^(|[0-9]{0,8}[1-9])$/))
    .map(([whole, fraction]) => (fraction === "" ? `${whole}` : `${whole}.${fraction}`));

  test("format(parse(s)) = s for canonical text", () => {
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatGrams(parseGrams(text))).toBe(text);
      }),
      seeded,
    );
  });

  test("any accepted text formats back as itself without leading or trailing zeros", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,9})?$/), (text) => {
        let nano: bigint;
        try {
          nano = parseGrams(text);
        } catch (err) {
          expect((err as UnitsError).code).toBe("UNITS_TOO_LARGE");
          return;
        }
        const [whole, fraction = ""] = text.split(".");
        const trimmed = fraction.replace(/0+$/, "");
        const expected = `${whole.replace(/^0+(?=.)/, "")}${trimmed === "" ? "" : `.${trimmed}`}`;
        expect(formatGrams(nano)).toBe(expected);
      }),
      seeded,
    );
  });
});
