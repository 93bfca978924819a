import { ed25519 } from "@noble/curves/ed25519.js";
import { numberToBytesLE } from "@noble/curves/utils.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkPublicKey, generateKeyPair, keyPairFromSeed } from "./keys.ts";
import { bytesToHex, hexToBytes, loadVectors, type Rfc8032Vector } from "./testVectors.ts";

const { Point } = ed25519;
const P = Point.Fp.ORDER;
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("keyPairFromSeed", () => {
  test("derives the public keys of RFC 8032 §7.1", () => {
    const vectors = loadVectors<Rfc8032Vector>("ed25519-rfc8032.json");
    expect(vectors).toHaveLength(5);
    for (const v of vectors) {
      const pair = keyPairFromSeed(hexToBytes(v.secret_key));
      expect(bytesToHex(pair.publicKey), v.name).toBe(v.public_key);
      expect(bytesToHex(pair.secretKey), v.name).toBe(v.secret_key);
    }
  });

  test("agrees with @noble/curves on random seeds", () => {
    fc.assert(
      fc.property(bytes32, (seed) => {
        expect(keyPairFromSeed(seed).publicKey).toEqual(ed25519.getPublicKey(seed));
      }),
      { seed: 21, numRuns: 100 },
    );
  });

  test("keeps its own copy of the seed, as plain Uint8Arrays", () => {
    const seed = new Uint8Array(32).fill(5);
    const pair = keyPairFromSeed(seed);
    seed.fill(6);
    expect(pair.secretKey).toEqual(new Uint8Array(32).fill(5));
    expect(pair.publicKey.constructor).toBe(Uint8Array);
    expect(pair.secretKey.constructor).toBe(Uint8Array);
  });

  test("refuses a seed of the wrong type or length", () => {
    expect(() => keyPairFromSeed(new Uint8Array(31))).toThrow(
      new RangeError("seed must be 32 bytes, got 31"),
    );
    expect(() => keyPairFromSeed(new Uint8Array(64))).toThrow(RangeError);
    expect(() => keyPairFromSeed("seed" as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("generateKeyPair", () => {
  test("makes distinct, consistent, valid pairs", () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.secretKey).toHaveLength(32);
    expect(a.publicKey).toHaveLength(32);
    expect(a.secretKey).not.toEqual(b.secretKey);
    expect(keyPairFromSeed(a.secretKey).publicKey).toEqual(a.publicKey);
    expect(checkPublicKey(a.publicKey)).toBe(true);
  });
});

describe("checkPublicKey (crypto §2)", () => {
  const le32 = (n: bigint) => numberToBytesLE(n, 32);

  test("accepts ordinary keys", () => {
    expect(checkPublicKey(keyPairFromSeed(new Uint8Array(32)).publicKey)).toBe(true);
  });

  test("refuses small-order, non-canonical and off-curve keys, and wrong lengths", () => {
    const refused = {
      identity: le32(1n),
      "order 4": le32(0n),
      "identity as y = p + 1": le32(P + 1n),
      "y = 2, not on the curve": le32(2n),
      "31 bytes": new Uint8Array(31),
      "33 bytes": new Uint8Array(33),
    };
    for (const [name, key] of Object.entries(refused)) expect(checkPublicKey(key), name).toBe(false);
  });

  test("accepts a key with a small-order component (pinned in crypto §2)", () => {
    const a = Point.fromBytes(keyPairFromSeed(new Uint8Array(32).fill(3)).publicKey);
    const t = Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    expect(checkPublicKey(a.add(t).toBytes())).toBe(true);
  });

  test("on random bytes: a canonical curve point that is not of small order", () => {
    fc.assert(
      fc.property(bytes32, (key) => {
        let expected: boolean;
        try {
          expected = !Point.fromBytes(key, false).isSmallOrder();
        } catch {
          expected = false;
        }
        expect(checkPublicKey(key)).toBe(expected);
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  test("throws a TypeError for anything but a Uint8Array", () => {
    expect(() => checkPublicKey(undefined as unknown as Uint8Array)).toThrow(
      new TypeError("publicKey must be a Uint8Array, got undefined"),
    );
  });
});
