import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type Address,
  addressEquals,
  BASECHAIN,
  formatFriendly,
  formatRaw,
  MASTERCHAIN,
  MAX_WORKCHAIN,
  MIN_WORKCHAIN,
  parseAddress,
} from "./index.ts";

const arbAddress: fc.Arbitrary<Address> = fc.record({
  workchain: fc.oneof(
    fc.constantFrom(MASTERCHAIN, BASECHAIN),
    fc.integer({ min: MIN_WORKCHAIN, max: MAX_WORKCHAIN }),
  ),
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});
const seeded = { seed: 0x6a7a_4d, numRuns: 300 };

describe("every form round-trips (property)", () => {
  test("raw", () => {
    fc.assert(
      fc.property(arbAddress, (a) => {
        const text = formatRaw(a);
        expect(text).toBe(text.toLowerCase());
        const parsed = parseAddress(text);
        expect(parsed.form).toBe("raw");
        expect(addressEquals(parsed.address, a)).toBe(true);
      }),
      seeded,
    );
  });

  test("friendly, all flag and alphabet combinations", () => {
    fc.assert(
      fc.property(arbAddress, fc.boolean(), fc.boolean(), fc.boolean(), (a, bounceable, testnet, urlSafe) => {
        const text = formatFriendly(a, { bounceable, testnet, urlSafe });
        expect(text).toHaveLength(48);
        expect(text).toMatch(urlSafe ? /^[A-Za-z0-9_-]+$/ : /^[A-Za-z0-9+/]+$/);
        const parsed = parseAddress(text);
        expect(parsed).toEqual({ address: a, bounceable, testnet, form: "friendly" });
      }),
      seeded,
    );
  });

  test("changing any one character of a friendly address is caught", () => {
    fc.assert(
      fc.property(arbAddress, fc.nat({ max: 47 }), fc.nat({ max: 63 }), (a, at, pick) => {
        const text = formatFriendly(a, { bounceable: true, testnet: false });
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const replacement = alphabet[pick] === text[at] ? alphabet[(pick + 1) % 64] : alphabet[pick];
        const changed = text.slice(0, at) + replacement + text.slice(at + 1);
        expect(() => parseAddress(changed)).toThrow();
      }),
      seeded,
    );
  });
});

describe("formatFriendly", () => {
  const a = { workchain: BASECHAIN, hash: new Uint8Array(32).fill(0xfb) };

  test("defaults to base64url", () => {
    expect(formatFriendly(a, { bounceable: true, testnet: false })).toBe(
      formatFriendly(a, { bounceable: true, testnet: false, urlSafe: true }),
    );
  });

  test("throws on misuse, naming the argument", () => {
    expect(() =>
      formatFriendly({ workchain: 128, hash: a.hash }, { bounceable: true, testnet: false }),
    ).toThrow(/workchain/);
    expect(() => formatFriendly(a, { bounceable: 1 } as never)).toThrow(TypeError);
    expect(() => formatRaw({ workchain: 0, hash: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => formatRaw({ workchain: 0.5, hash: a.hash })).toThrow(RangeError);
  });
});

describe("addressEquals", () => {
  const hash = new Uint8Array(32).fill(7);

  test("compares workchain and every hash byte", () => {
    const other = hash.slice();
    expect(addressEquals({ workchain: 0, hash }, { workchain: 0, hash: other })).toBe(true);
    expect(addressEquals({ workchain: 0, hash }, { workchain: MASTERCHAIN, hash })).toBe(false);
    other[31] = 8;
    expect(addressEquals({ workchain: 0, hash }, { workchain: 0, hash: other })).toBe(false);
  });
});
