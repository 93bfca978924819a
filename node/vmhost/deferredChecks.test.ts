import { describe, expect, test } from "vitest";
import { keyPairFromSeed, sha256, sign, verify } from "../crypto/index.ts";
import { deferringHost } from "./deferredChecks.ts";
import { createCachingHost, type SignatureCheck } from "./verifiedCache.ts";

const key = keyPairFromSeed(sha256(new TextEncoder().encode("deferred checks")));
const triple = (n: number): SignatureCheck => {
  const message = sha256(Uint8Array.of(n));
  return { message, publicKey: key.publicKey, signature: sign(message, key.secretKey) };
};
const forged = (n: number): SignatureCheck => {
  const t = triple(n);
  const signature = t.signature.slice();
  signature[0] ^= 1;
  return { ...t, signature };
};

/** A verifier elsewhere as the pool is: node/crypto's verify of each check, answered later. */
function remote() {
  const calls: SignatureCheck[][] = [];
  const verifyAll = async (checks: readonly SignatureCheck[]) => {
    calls.push([...checks]);
    await new Promise((r) => setTimeout(r, 1));
    return checks.map((c) => verify(c.signature, c.message, c.publicKey));
  };
  return { calls, verifyAll };
}

/** A caching host, a verifier elsewhere, and the deferring host over both. */
function setup(options?: Parameters<typeof deferringHost>[2]) {
  const base = createCachingHost();
  const { calls, verifyAll } = remote();
  return { base, calls, host: deferringHost(base, verifyAll, options) };
}

const ask = (
  h: { ed25519Verify: (m: Uint8Array, k: Uint8Array, s: Uint8Array) => boolean },
  c: SignatureCheck,
) => h.ed25519Verify(c.message, c.publicKey, c.signature);

describe("a host that verifies a run's signatures elsewhere", () => {
  test("answers valid at once, sends checks in chunks while the run goes on, and settles true", async () => {
    const { base, calls, host } = setup({ chunk: 4 });
    for (let n = 0; n < 10; n++) expect(ask(host, triple(n))).toBe(true);
    // Two full chunks went before the end of the run; the rest goes at settle.
    expect(calls.map((c) => c.length)).toEqual([4, 4]);
    expect(await host.settle()).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
    // Nothing is kept for later: these signatures were used by the run that asked.
    expect(base.cacheSize).toBe(0);
  });

  test("a forged signature makes settle false, and keeps the valid ones for the run again", async () => {
    const { base, host } = setup({ chunk: 2 });
    for (const c of [triple(1), forged(2), triple(3)]) expect(ask(host, c)).toBe(true);
    expect(await host.settle()).toBe(false);
    expect(base.cacheSize).toBe(2);
    // The run again, with checks inline: the kept ones come from the cache, the forged one fails.
    expect(ask(base, triple(1))).toBe(true);
    expect(ask(base, forged(2))).toBe(false);
    expect(ask(base, triple(3))).toBe(true);
    expect(base.cacheSize).toBe(0);
  });

  test("a signature the cache holds is taken from it, not sent", async () => {
    const { base, calls, host } = setup();
    base.remember([triple(7)]);
    expect(ask(host, triple(7))).toBe(true);
    expect(base.cacheSize).toBe(0);
    expect(await host.settle()).toBe(true);
    expect(calls).toEqual([]);
  });

  test("a key or signature of the wrong length, or no bytes at all, is refused at once and never sent", async () => {
    const { calls, host } = setup();
    const t = triple(1);
    expect(host.ed25519Verify(t.message, t.publicKey.subarray(1), t.signature)).toBe(false);
    expect(host.ed25519Verify(t.message, t.publicKey, t.signature.subarray(1))).toBe(false);
    expect(host.ed25519Verify("x" as unknown as Uint8Array, t.publicKey, t.signature)).toBe(false);
    expect(await host.settle()).toBe(true);
    expect(calls).toEqual([]);
  });

  test("a check keeps its own copy of arrays the caller reuses", async () => {
    const { calls, host } = setup();
    const t = triple(5);
    const message = t.message.slice();
    expect(host.ed25519Verify(message, t.publicKey, t.signature)).toBe(true);
    message.fill(0);
    expect(await host.settle()).toBe(true);
    expect(calls[0][0].message).toEqual(t.message);
  });

  test("a run that does not stand gives back the acceptances it took from the cache", async () => {
    const { base, calls, host } = setup();
    base.remember([triple(1)]);
    expect(ask(host, triple(1))).toBe(true);
    expect(ask(host, forged(2))).toBe(true);
    expect(base.cacheSize).toBe(0);
    expect(await host.settle()).toBe(false);
    expect(calls.map((c) => c.length)).toEqual([1]);
    // The run again finds triple 1 kept, as the first run did, and checks nothing for it.
    expect(base.cacheSize).toBe(1);
    expect(base.take(triple(1).message, key.publicKey, triple(1).signature)).toBeDefined();
  });

  test("past the bytes that may wait, the base answers at once", async () => {
    const base = createCachingHost();
    const { calls, verifyAll } = remote();
    // Room for one check of a 32-byte message (96 bytes of key and signature with it), not two.
    const host = deferringHost(base, verifyAll, { maxBytes: 200 });
    expect(ask(host, triple(1))).toBe(true);
    expect(ask(host, forged(2))).toBe(false);
    expect(ask(host, triple(3))).toBe(true);
    expect(await host.settle()).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([1]);
    // Triple 3 was verified here, and kept as any inline acceptance is.
    expect(base.cacheSize).toBe(1);
  });

  test("a verifier that fails is settle's error, and no unhandled rejection before it", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const host = deferringHost(createCachingHost(), () => Promise.reject(new Error("worker gone")), {
        chunk: 1,
      });
      ask(host, triple(1));
      await new Promise((r) => setTimeout(r, 10));
      await expect(host.settle()).rejects.toThrow("worker gone");
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("a verifier that answers another number of checks is an error, not a verdict", async () => {
    const host = deferringHost(createCachingHost(), async () => []);
    ask(host, triple(1));
    await expect(host.settle()).rejects.toThrow("another number of checks");
  });
});
