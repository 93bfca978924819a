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
    expect(host.ed25519Verify(msg(1), key.publicKey, sig(1))).toBe(true);
    // A cached triple never vouches for another message or key.
    expect(host.ed25519Verify(msg(2), key.publicKey, sig(1))).toBe(false);
    host.ed25519Verify(msg(2), key.publicKey, sig(2));
    host.ed25519Verify(msg(3), key.publicKey, sig(3));
    expect(host.cacheSize).toBe(2);
    expect(host.ed25519Verify(msg(3), key.publicKey, sig(3))).toBe(true);
  });

  test("refuses non-byte arguments without throwing", () => {
    const host = createCachingHost();
    expect(host.ed25519Verify("x" as never, key.publicKey, new Uint8Array(64))).toBe(false);
  });
});
