import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, concatBytes, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyPairFromSeed } from "./keys.ts";
import { sign } from "./sign.ts";
import { verify, verifyNoble, verifyOpenSsl } from "./verify.ts";

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const paths = { sodium: verify, openssl: verifyOpenSsl, noble: verifyNoble };
/** The verdicts of the fast path (libsodium) and of both cross-checks, in that order. */
const allVerify = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array): [boolean, boolean, boolean] => [
  verify(sig, msg, key),
  verifyOpenSsl(sig, msg, key),
  verifyNoble(sig, msg, key),
];
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const pair = keyPairFromSeed(new Uint8Array(32).fill(42));

describe("verify, verifyOpenSsl and verifyNoble", () => {
  test("accept what sign produced, for any key and message", () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const { publicKey, secretKey } = keyPairFromSeed(seed);
        expect(allVerify(sign(msg, secretKey), msg, publicKey)).toEqual([true, true, true]);
      }),
      { seed: 41, numRuns: 100 },
    );
  });

  test("refuse the signature once any bit of it, of the message or of the key is flipped", () => {
    const msg = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    const sig = sign(msg, pair.secretKey);
    const flips = (b: Uint8Array) => Array.from({ length: b.length * 8 }, (_, i) => flip(b, i));
    for (const bad of flips(sig)) expect(allVerify(bad, msg, pair.publicKey)).toEqual([false, false, false]);
    for (const bad of flips(msg)) expect(allVerify(sig, bad, pair.publicKey)).toEqual([false, false, false]);
    for (const bad of flips(pair.publicKey)) expect(allVerify(sig, msg, bad)).toEqual([false, false, false]);
    expect(allVerify(sig, msg, pair.publicKey)).toEqual([true, true, true]);
  });

  test("refuse random 64-byte strings, all alike", () => {
    fc.assert(
      fc.property(bytes(64), fc.uint8Array({ maxLength: 64 }), (sig, msg) => {
        expect(allVerify(sig, msg, pair.publicKey)).toEqual([false, false, false]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  test("agree on random keys, signatures and messages", () => {
    fc.assert(
      fc.property(bytes(64), fc.uint8Array({ maxLength: 64 }), bytes(32), (sig, msg, key) => {
        const [sodium, openssl, noble] = allVerify(sig, msg, key);
        expect([openssl, noble]).toEqual([sodium, sodium]);
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  // Signatures built to sit on the edges of crypto §3: a small-order component added to R or A,
  // S pushed past L, and the verdict the cofactorless equation gives them, worked out here.
  test("agree with each other and with the equation on crafted edge signatures", () => {
    const torsion = [Point.ZERO];
    const t8 = Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    for (let i = 1; i < 8; i++) torsion.push(torsion[i - 1].add(t8));
    const kind = fc.constantFrom("torsion-r", "torsion-a", "s-plus-l");
    fc.assert(
      fc.property(
        bytes(32),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        kind,
        (seed, msg, i, k) => {
          const { scalar: a, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
          const A = Point.fromBytes(pointBytes);
          const r = (bytesToNumberLE(sha512(concatBytes(seed, msg))) % (L - 1n)) + 1n;
          const t = torsion[i];
          const key = k === "torsion-a" ? A.add(t).toBytes() : pointBytes;
          const R = (k === "torsion-r" ? Point.BASE.multiply(r).add(t) : Point.BASE.multiply(r)).toBytes();
          const h = bytesToNumberLE(sha512(concatBytes(R, key, msg))) % L;
          const s = (r + h * a) % L;
          const sig = concatBytes(R, numberToBytesLE(k === "s-plus-l" ? s + L : s, 32));
          // [S]B = R + [h]A' holds exactly when the small-order parts cancel: T = 0 for R, [h]T = 0 for A.
          const expected =
            k === "torsion-r" ? i === 0 : k === "torsion-a" ? t.multiplyUnsafe(h).is0() : false;
          expect(allVerify(sig, msg, key)).toEqual([expected, expected, expected]);
        },
      ),
      { seed: 44, numRuns: 300 },
    );
  });

  test("refuse wrong lengths with false, not an error", () => {
    const msg = Uint8Array.of(1);
    const sig = sign(msg, pair.secretKey);
    for (const [name, path] of Object.entries(paths)) {
      expect(path(sig.subarray(0, 63), msg, pair.publicKey), name).toBe(false);
      expect(path(concatBytes(sig, Uint8Array.of(0)), msg, pair.publicKey), name).toBe(false);
      expect(path(sig, msg, pair.publicKey.subarray(0, 31)), name).toBe(false);
      expect(path(new Uint8Array(0), msg, new Uint8Array(0)), name).toBe(false);
    }
  });

  test("throw a TypeError naming the argument that is not a Uint8Array", () => {
    const sig = sign(Uint8Array.of(1), pair.secretKey);
    for (const path of Object.values(paths)) {
      expect(() => path("00" as unknown as Uint8Array, Uint8Array.of(1), pair.publicKey)).toThrow(
        new TypeError("signature must be a Uint8Array, got string"),
      );
      expect(() => path(sig, [1] as unknown as Uint8Array, pair.publicKey)).toThrow(/^message must be/);
      expect(() => path(sig, Uint8Array.of(1), null as unknown as Uint8Array)).toThrow(/^publicKey must be/);
    }
  });

  test("accept Buffers and subarray views like any Uint8Array", () => {
    const msg = Uint8Array.of(5, 6, 7);
    const sig = sign(msg, pair.secretKey);
    const framed = concatBytes(Uint8Array.of(9, 9), sig, msg, pair.publicKey);
    const view = (from: number, len: number) => framed.subarray(from, from + len);
    expect(allVerify(view(2, 64), view(66, 3), view(69, 32))).toEqual([true, true, true]);
    expect(allVerify(Buffer.from(sig), Buffer.from(msg), Buffer.from(pair.publicKey))).toEqual([
      true,
      true,
      true,
    ]);
  });

  test("judge a key by its current bytes, even when the caller refills its array", () => {
    const other = keyPairFromSeed(new Uint8Array(32).fill(7));
    const msg = Uint8Array.of(1);
    const key = Uint8Array.from(pair.publicKey);
    expect(verify(sign(msg, pair.secretKey), msg, key)).toBe(true);
    key.set(other.publicKey);
    expect(verify(sign(msg, pair.secretKey), msg, key)).toBe(false);
    expect(verify(sign(msg, other.secretKey), msg, key)).toBe(true);
  });
});

describe("why not noble's own ed25519.verify (crypto §4)", () => {
  test("it accepts an R with a small-order component, which libsodium, OpenSSL and Gram refuse", () => {
    const seed = new Uint8Array(32).fill(42);
    const { scalar: a, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
    const msg = Uint8Array.of(1, 2, 3);
    const r = 12345n;
    const R = Point.BASE.multiply(r)
      .add(Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"))
      .toBytes();
    const h = bytesToNumberLE(sha512(concatBytes(R, pointBytes, msg))) % L;
    const sig = concatBytes(R, numberToBytesLE((r + h * a) % L, 32));
    expect(ed25519.verify(sig, msg, pointBytes, { zip215: false })).toBe(true);
    expect(allVerify(sig, msg, pointBytes)).toEqual([false, false, false]);
  });
});

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}
