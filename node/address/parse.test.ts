import { describe, expect, test } from "vitest";
import { AddressError, addressEquals, formatFriendly, formatRaw, parseAddress } from "./index.ts";
import { fromHex, vectors } from "./testVectors.ts";

const errorOf = (fn: () => unknown): AddressError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AddressError) return err;
    throw err;
  }
  throw new Error("expected an AddressError");
};

describe.each(vectors.valid.map((v) => [v.raw, v]))("TON vector %s", (_raw, v) => {
  const expected = { workchain: v.workchain, hash: fromHex(v.hash) };

  test("raw form parses and prints back the same", () => {
    const parsed = parseAddress(v.raw);
    expect(parsed).toEqual({ address: expected, form: "raw" });
    expect(formatRaw(parsed.address)).toBe(v.raw);
  });

  test("raw form with upper-case hex parses to the same address", () => {
    expect(parseAddress(v.raw.toUpperCase()).address).toEqual(expected);
  });

  test.each(v.friendly.map((f) => [f.text, f]))("friendly %s parses and prints back the same", (_text, f) => {
    const parsed = parseAddress(f.text);
    expect(parsed).toEqual({
      address: expected,
      bounceable: f.bounceable,
      testnet: f.testnet,
      form: "friendly",
    });
    expect(formatFriendly(expected, f)).toBe(f.text);
  });
});

describe("TON vectors that must be refused", () => {
  test.each(vectors.invalid.map((v) => [v.why, v]))("%s", (_why, v) => {
    const err = errorOf(() => parseAddress(v.text));
    expect(err.code).toBe(v.code);
    if (v.text !== "") expect(err.message).toContain(v.text.slice(0, 40));
  });
});

describe("parseAddress", () => {
  const v = vectors.valid[3];

  test("ignores whitespace around the address", () => {
    const friendly = v.friendly[0].text;
    expect(addressEquals(parseAddress(` ${friendly}\n`).address, parseAddress(v.raw).address)).toBe(true);
    expect(parseAddress(`\t${v.raw} `).form).toBe("raw");
  });

  test("refuses a raw form spelled other than canonically", () => {
    for (const wc of ["-0", "00", "+0", "0 ", "0x0", "-129"]) {
      expect(errorOf(() => parseAddress(`${wc}:${v.hash}`)).code).toBe("ADDRESS_BAD_WORKCHAIN");
    }
  });

  test("shortens a long input in its message", () => {
    const err = errorOf(() => parseAddress("A".repeat(5000)));
    expect(err.code).toBe("ADDRESS_BAD_LENGTH");
    expect(err.message.length).toBeLessThan(200);
    expect(err.message).toContain("5000 characters");
  });

  test("throws TypeError for a non-string", () => {
    expect(() => parseAddress(42 as unknown as string)).toThrow(TypeError);
  });
});
