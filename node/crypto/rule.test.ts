import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  isCanonicalPoint,
  isCanonicalScalar,
  isSmallOrderPoint,
  precheck,
  publicKeyRefusal,
} from "./rule.ts";

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;
const le32 = (n: bigint): Uint8Array => numberToBytesLE(n, 32);
const withSign = (bytes: Uint8Array): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[31] |= 0x80;
  return out;
};
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

// The 8 points of small order, found without the table under test: [L]Q is in the torsion
// subgroup for any curve point Q, and generates all of it when its order is 8.
function torsionSubgroup(): (typeof Point.BASE)[] {
  for (let y = 2n; ; y++) {
    let q: typeof Point.BASE;
    try {
      q = Point.fromBytes(le32(y));
    } catch {
      continue;
    }
    const t = q.multiplyUnsafe(L - 1n).add(q); // [L]Q; multiplyUnsafe takes scalars below L
    if (!t.double().double().is0()) {
      const points = [Point.ZERO];
      for (let i = 1; i < 8; i++) points.push(points[i - 1].add(t));
      return points;
    }
  }
}

describe("isCanonicalScalar (crypto §3.2)", () => {
  test("L - 1 is the largest scalar accepted", () => {
    expect(isCanonicalScalar(le32(0n))).toBe(true);
    expect(isCanonicalScalar(le32(L - 1n))).toBe(true);
    expect(isCanonicalScalar(le32(L))).toBe(false);
    expect(isCanonicalScalar(le32(L + 1n))).toBe(false);
    expect(isCanonicalScalar(le32(2n ** 256n - 1n))).toBe(false);
  });

  test("agrees with S < L on random bytes, read at an offset", () => {
    const near = fc.bigInt({ min: L - 1000n, max: L + 1000n }).map(le32);
    fc.assert(
      fc.property(fc.oneof(bytes32, near), (s) => {
        const sig = new Uint8Array(64);
        sig.set(s, 32);
        expect(isCanonicalScalar(sig, 32)).toBe(bytesToNumberLE(s) < L);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });
});

describe("isCanonicalPoint (crypto §3.3)", () => {
  test("refuses y >= p and a set sign bit when x = 0", () => {
    expect(isCanonicalPoint(le32(P - 1n))).toBe(true);
    expect(isCanonicalPoint(le32(P))).toBe(false);
    expect(isCanonicalPoint(le32(P + 18n))).toBe(false);
    expect(isCanonicalPoint(le32(2n ** 255n - 1n))).toBe(false);
    expect(isCanonicalPoint(withSign(le32(1n)))).toBe(false); // x = 0
    expect(isCanonicalPoint(withSign(le32(P - 1n)))).toBe(false); // x = 0
    expect(isCanonicalPoint(withSign(le32(0n)))).toBe(true); // x = ±sqrt(-1), not 0
  });

  test("agrees with its definition on random and boundary encodings", () => {
    const y = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 255n - 1n }),
      fc.bigInt({ min: P - 30n, max: 2n ** 255n - 1n }),
      fc.bigInt({ min: 0n, max: 30n }),
    );
    fc.assert(
      fc.property(y, fc.boolean(), (yv, sign) => {
        const enc = sign ? withSign(le32(yv)) : le32(yv);
        const xIsZero = yv === 1n || yv === P - 1n;
        expect(isCanonicalPoint(enc)).toBe(yv < P && !(sign && xIsZero));
      }),
      { seed: 2, numRuns: 2000 },
    );
  });

  test("accepts every encoding noble decodes strictly, refuses those only ZIP-215 decodes", () => {
    const y = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 255n - 1n }),
      fc.bigInt({ min: P - 20n, max: P + 18n }),
    );
    fc.assert(
      fc.property(y, fc.boolean(), (yv, sign) => {
        const enc = sign ? withSign(le32(yv)) : le32(yv);
        const strict = decodes(enc, false);
        if (strict) expect(isCanonicalPoint(enc)).toBe(true);
        else if (decodes(enc, true)) expect(isCanonicalPoint(enc)).toBe(false);
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});

describe("isSmallOrderPoint (crypto §3.4)", () => {
  const torsion = torsionSubgroup();

  test("the subgroup found has 8 distinct points", () => {
    expect(new Set(torsion.map((t) => t.toHex())).size).toBe(8);
  });

  test("knows every encoding of the 8 small-order points, canonical or not", () => {
    for (const t of torsion) {
      const enc = t.toBytes();
      expect(isSmallOrderPoint(enc)).toBe(true);
      expect(isSmallOrderPoint(withSign(enc))).toBe(true); // the other sign, or x = 0 with sign set
      const yv = bytesToNumberLE(enc) & (2n ** 255n - 1n);
      if (yv + P < 2n ** 255n) expect(isSmallOrderPoint(le32(yv + P))).toBe(true);
    }
  });

  test("every encoding it flags decodes (leniently) to a small-order point, if it decodes", () => {
    const flagged: Uint8Array[] = [];
    for (let y = 0n; y < 2n ** 255n; y = y === 40n ? P - 40n : y + 1n) {
      for (const enc of [le32(y), withSign(le32(y))]) if (isSmallOrderPoint(enc)) flagged.push(enc);
    }
    for (const t of torsion) {
      const y = bytesToNumberLE(t.toBytes()) & (2n ** 255n - 1n);
      for (const enc of [le32(y), withSign(le32(y))]) if (isSmallOrderPoint(enc)) flagged.push(enc);
    }
    expect(flagged.length).toBeGreaterThanOrEqual(14);
    for (const enc of flagged) {
      if (decodes(enc, true)) expect(Point.fromBytes(enc, true).isSmallOrder()).toBe(true);
    }
  });

  test("does not flag keys, nor keys with a small-order component added", () => {
    fc.assert(
      fc.property(bytes32, fc.integer({ min: 0, max: 7 }), (seed, i) => {
        const a = Point.fromBytes(ed25519.getPublicKey(seed));
        expect(isSmallOrderPoint(a.toBytes())).toBe(false);
        expect(isSmallOrderPoint(a.add(torsion[i]).toBytes())).toBe(false);
      }),
      { seed: 4, numRuns: 50 },
    );
  });
});

describe("precheck", () => {
  const key = ed25519.getPublicKey(new Uint8Array(32).fill(1));
  const sig = ed25519.sign(new Uint8Array(0), new Uint8Array(32).fill(1));

  test("passes an honest signature to the equation", () => {
    expect(precheck(sig, key)).toBeUndefined();
    expect(publicKeyRefusal(key)).toBeUndefined();
  });

  test("names the first failing check, in the order of crypto §3", () => {
    const bad = Uint8Array.from(sig);
    bad.set(le32(L), 32);
    bad.set(le32(1n), 0);
    expect(precheck(sig.subarray(0, 63), new Uint8Array(3))).toBe("SIGNATURE_LENGTH");
    expect(precheck(sig, new Uint8Array(33))).toBe("PUBLIC_KEY_LENGTH");
    expect(precheck(bad, le32(P))).toBe("S_NOT_CANONICAL");
    bad.set(le32(L - 1n), 32);
    expect(precheck(bad, le32(P))).toBe("A_NOT_CANONICAL");
    expect(precheck(bad, le32(1n))).toBe("A_SMALL_ORDER");
    const rNonCanonical = Uint8Array.from(bad);
    rNonCanonical.set(le32(P + 1n), 0);
    expect(precheck(rNonCanonical, key)).toBe("R_NOT_CANONICAL");
    expect(precheck(bad, key)).toBe("R_SMALL_ORDER");
  });

  test("publicKeyRefusal checks the key alone", () => {
    expect(publicKeyRefusal(new Uint8Array(31))).toBe("PUBLIC_KEY_LENGTH");
    expect(publicKeyRefusal(withSign(le32(P - 1n)))).toBe("A_NOT_CANONICAL");
    expect(publicKeyRefusal(le32(0n))).toBe("A_SMALL_ORDER");
  });
});

function decodes(enc: Uint8Array, zip215: boolean): boolean {
  try {
    Point.fromBytes(enc, zip215);
    return true;
  } catch {
    return false;
  }
}
