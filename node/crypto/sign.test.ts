import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyPairFromSeed } from "./keys.ts";
import { sign } from "./sign.ts";
import { bytesToHex, hexToBytes, loadVectors, type Rfc8032Vector } from "./testVectors.ts";
import { verify } from "./verify.ts";

describe("sign", () => {
  test("reproduces the signatures of RFC 8032 §7.1", () => {
    for (const v of loadVectors<Rfc8032Vector>("ed25519-rfc8032.json")) {
      expect(bytesToHex(sign(hexToBytes(v.message), hexToBytes(v.secret_key))), v.name).toBe(v.signature);
    }
  });

  test("gives the same bytes as @noble/curves (signing is deterministic)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        (seed, msg) => {
          expect(sign(msg, seed)).toEqual(ed25519.sign(msg, seed));
        },
      ),
      { seed: 31, numRuns: 100 },
    );
  });

  test("returns a plain 64-byte Uint8Array", () => {
    const sig = sign(new Uint8Array(3), new Uint8Array(32));
    expect(sig.constructor).toBe(Uint8Array);
    expect(sig).toHaveLength(64);
  });

  test("signs with the key's current bytes, even when the caller refills its array", () => {
    const secret = new Uint8Array(32).fill(1);
    const msg = Uint8Array.of(1, 2, 3);
    sign(msg, secret);
    secret.fill(2);
    const sig = sign(msg, secret);
    expect(verify(sig, msg, keyPairFromSeed(new Uint8Array(32).fill(2)).publicKey)).toBe(true);
  });

  test("stays right after its key cache has turned over", () => {
    const msg = Uint8Array.of(9);
    const seeds = Array.from({ length: 40 }, (_, i) => new Uint8Array(32).fill(i));
    const first = seeds.map((s) => sign(msg, s));
    const again = seeds.map((s) => sign(msg, s));
    expect(again).toEqual(first);
    expect(first[0]).toEqual(ed25519.sign(msg, seeds[0]));
  });

  test("refuses a secret key that is not a 32-byte seed", () => {
    const pair = keyPairFromSeed(new Uint8Array(32));
    const expanded = new Uint8Array(64); // the seed || public key layout of other libraries
    expanded.set(pair.secretKey);
    expanded.set(pair.publicKey, 32);
    expect(() => sign(new Uint8Array(1), expanded)).toThrow(
      new RangeError("secretKey must be 32 bytes, got 64"),
    );
    expect(() => sign(new Uint8Array(1), new Uint8Array(0))).toThrow(RangeError);
    expect(() => sign("hi" as unknown as Uint8Array, pair.secretKey)).toThrow(
      new TypeError("message must be a Uint8Array, got string"),
    );
  });
});
