import { describe, expect, test } from "vitest";
import { keyPairFromSeed, sha256, sign } from "../crypto/index.ts";
import { createCachingHost } from "./verifiedCache.ts";

const key = keyPairFromSeed(sha256(new TextEncoder().encode("cache test")));
const msg = (n: number) => sha256(Uint8Array.of(n));

describe("createCachingHost", () => {
  test("keeps acceptances only, answers as the rule does, and drops the oldest when full", () => {
    const host = createCachingHost(2);
    const sig = (n: number) => sign(msg(n), key.secretKey);
    expect(host.ed25519Verify(msg(1), key.publicKey, sig(1))).toBe(true);
    const bad = sig(2).slice();
    bad[0] ^= 1;
    expect(host.ed25519Verify(msg(2), key.publicKey, bad)).toBe(false);
    expect(host.cacheSize).toBe(1);
    // The check that uses a kept acceptance takes it out; a later one checks afresh.
    expect(host.ed25519Verify(msg(1), key.publicKey, sig(1))).toBe(true);
    expect(host.cacheSize).toBe(0);
    expect(host.ed25519Verify(msg(1), key.publicKey, sig(1))).toBe(true);
    expect(host.cacheSize).toBe(1);
    // A cached triple never vouches for another message or key, nor for a signature that
    // shares the bytes it is filed under.
    expect(host.ed25519Verify(msg(2), key.publicKey, sig(1))).toBe(false);
    const near = sig(1).slice();
    near[40] ^= 1;
    expect(host.ed25519Verify(msg(1), key.publicKey, near)).toBe(false);
    host.ed25519Verify(msg(2), key.publicKey, sig(2));
    host.ed25519Verify(msg(3), key.publicKey, sig(3));
    expect(host.cacheSize).toBe(2);
    expect(host.ed25519Verify(msg(3), key.publicKey, sig(3))).toBe(true);
    expect(host.cacheSize).toBe(1);
  });

  test("is bounded by bytes too: large signed messages push out the oldest, one too large is not kept", () => {
    const big = (n: number) => new Uint8Array(10_000).fill(n);
    const host = createCachingHost(1_000, 25_000);
    for (let n = 1; n <= 5; n++)
      expect(host.ed25519Verify(big(n), key.publicKey, sign(big(n), key.secretKey))).toBe(true);
    expect(host.cacheSize).toBe(2);
    expect(host.cacheBytes).toBeLessThanOrEqual(25_000);
    const huge = new Uint8Array(30_000);
    expect(host.ed25519Verify(huge, key.publicKey, sign(huge, key.secretKey))).toBe(true);
    expect(host.cacheSize).toBe(2);
  });

  test("a kept triple does not vouch for the same message and signature under another key", () => {
    const host = createCachingHost();
    const other = keyPairFromSeed(sha256(new TextEncoder().encode("another key")));
    const s = sign(msg(9), key.secretKey);
    expect(host.ed25519Verify(msg(9), key.publicKey, s)).toBe(true);
    expect(host.ed25519Verify(msg(9), other.publicKey, s)).toBe(false);
    expect(host.cacheSize).toBe(1);
  });

  test("keeps what another thread accepted, and only triples of a signature's and a key's size", () => {
    const host = createCachingHost();
    const s = sign(msg(4), key.secretKey);
    host.remember([
      { message: msg(4), publicKey: key.publicKey, signature: s },
      { message: msg(5), publicKey: key.publicKey.subarray(1), signature: s },
      { message: msg(6), publicKey: key.publicKey, signature: s.subarray(1) },
    ]);
    expect(host.cacheSize).toBe(1);
    expect(host.ed25519Verify(msg(4), key.publicKey, s)).toBe(true);
    expect(host.cacheSize).toBe(0);
  });

  test("refuses non-byte arguments without throwing", () => {
    const host = createCachingHost();
    expect(host.ed25519Verify("x" as never, key.publicKey, new Uint8Array(64))).toBe(false);
  });
});
