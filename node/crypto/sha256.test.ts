import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { sha256, sha256Concat } from "./sha256.ts";
import { bytesToHex, hexToBytes, loadVectors, type Sha256Vector } from "./testVectors.ts";

const vectors = loadVectors<Sha256Vector>("sha256.json");

describe("sha256", () => {
  test("matches the published vectors (FIPS 180 examples, empty string)", () => {
    expect(vectors.map((v) => v.name)).toEqual(["empty", "abc", "448-bit"]);
    for (const v of vectors) {
      expect(bytesToHex(sha256(hexToBytes(v.message))), v.name).toBe(v.digest);
      expect(bytesToHex(nobleSha256(hexToBytes(v.message))), v.name).toBe(v.digest);
    }
  });

  test("agrees with @noble/hashes on random inputs, small ones most of all", () => {
    const data = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 100 }),
      fc.uint8Array({ maxLength: 3000 }),
    );
    fc.assert(
      fc.property(data, (d) => {
        expect(sha256(d)).toEqual(nobleSha256(d));
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  test("returns a fresh, plain 32-byte Uint8Array each call", () => {
    const a = sha256(new Uint8Array(64));
    const b = sha256(new Uint8Array(64));
    expect(a.constructor).toBe(Uint8Array);
    expect(a.length).toBe(32);
    expect(a.buffer.byteLength).toBe(32);
    a[0] ^= 1;
    expect(a).not.toEqual(b);
  });

  test("hashes a view by its own bytes only", () => {
    const big = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(sha256(big.subarray(10, 75))).toEqual(nobleSha256(big.slice(10, 75)));
  });

  test("throws a TypeError for anything but a Uint8Array", () => {
    expect(() => sha256("abc" as unknown as Uint8Array)).toThrow(
      new TypeError("data must be a Uint8Array, got string"),
    );
  });
});

describe("sha256Concat", () => {
  test("is the hash of the concatenation, for any split", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 6 }), (parts) => {
        const joined = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
        expect(sha256Concat(...parts)).toEqual(nobleSha256(joined));
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  test("is the hash of the concatenation around and past 1 KiB, where it stops copying", () => {
    for (const total of [1023, 1024, 1025, 5000]) {
      const joined = Uint8Array.from({ length: total }, (_, i) => i * 7);
      const parts = [joined.subarray(0, 10), joined.subarray(10, total - 3), joined.subarray(total - 3)];
      expect(sha256Concat(...parts), String(total)).toEqual(nobleSha256(joined));
      expect(sha256Concat(Uint8Array.of(1)), "a short call after a long one").toEqual(
        nobleSha256(Uint8Array.of(1)),
      );
    }
  });

  test("the Merkle node shape: 1 + 32 + 32 bytes", () => {
    const tag = Uint8Array.of(1);
    const left = sha256(Uint8Array.of(2));
    const right = sha256(Uint8Array.of(3));
    const joined = new Uint8Array(65);
    joined.set(tag, 0);
    joined.set(left, 1);
    joined.set(right, 33);
    expect(sha256Concat(tag, left, right)).toEqual(sha256(joined));
  });

  test("no parts is the hash of the empty string", () => {
    expect(bytesToHex(sha256Concat())).toBe(vectors[0].digest);
  });

  test("names the offending part", () => {
    expect(() => sha256Concat(new Uint8Array(1), [1] as unknown as Uint8Array)).toThrow(
      new TypeError("parts[1] must be a Uint8Array, got Array"),
    );
  });
});
