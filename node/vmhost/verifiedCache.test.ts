import { describe, expect, test } from "vitest";
import { assemble, type Host, run } from "../../vm/index.ts";
import { keyPairFromSeed, sha256, sign, verify } from "../crypto/index.ts";
import { VerifyPool } from "../verifier/index.ts";
import { createCachingHost, type SignatureVerifier } from "./verifiedCache.ts";
import { vmHost } from "./vmHost.ts";

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
  });

  test("is bounded by bytes too: large signed messages push out the oldest, one too large is not kept", () => {
    const big = (n: number) => new Uint8Array(10_000).fill(n);
    const host = createCachingHost(1_000, null, 25_000);
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
  });

  test("refuses non-byte arguments without throwing", () => {
    const host = createCachingHost();
    expect(host.ed25519Verify("x" as never, key.publicKey, new Uint8Array(64))).toBe(false);
  });
});

describe("withOffThreadChecks", () => {
  const program = assemble(".entry recv_internal\n  EDVERIFY\n");
  const check = (host: Host, m: Uint8Array, s: Uint8Array) =>
    run({ code: program, entry: "recv_internal", host, stack: [m, s, key.publicKey], gasLimit: 1_000_000n });
  const counting = () => {
    const asked: number[] = [];
    const verifier: SignatureVerifier = {
      async verify(checks) {
        asked.push(checks.length);
        return checks.map((c) => verify(c.signature, c.message, c.publicKey));
      },
    };
    return { asked, verifier };
  };

  test("a run whose signature is good stands, verified once by the verifier and remembered", async () => {
    const { asked, verifier } = counting();
    const host = createCachingHost(10, verifier);
    const s = sign(msg(1), key.secretKey);
    const result = await host.withOffThreadChecks(async (h) => check(h, msg(1), s));
    expect(result).toEqual(check(vmHost, msg(1), s));
    expect(asked).toEqual([1]);
    expect(host.cacheSize).toBe(1);
    // Known now: the next run asks nobody.
    await host.withOffThreadChecks(async (h) => check(h, msg(1), s));
    expect(asked).toEqual([1]);
  });

  test("a bad signature makes the guessing run void: the result is the rule's refusal", async () => {
    const { asked, verifier } = counting();
    const host = createCachingHost(10, verifier);
    const bad = sign(msg(2), key.secretKey);
    bad[3] ^= 1;
    let runs = 0;
    const result = await host.withOffThreadChecks(async (h) => {
      runs++;
      return check(h, msg(2), bad);
    });
    expect(result).toEqual(check(vmHost, msg(2), bad));
    expect(result.stack).toEqual([0n]);
    expect(runs).toBe(2);
    expect(asked).toEqual([1]);
    expect(host.cacheSize).toBe(0);
  });

  test("with node/verifier's worker pool, answers equal the rule's", async () => {
    const pool = new VerifyPool({ threads: 1 });
    try {
      const host = createCachingHost(10, pool);
      const good = sign(msg(3), key.secretKey);
      const bad = good.slice();
      bad[0] ^= 1;
      for (const s of [good, bad, good.subarray(0, 10)]) {
        expect(await host.withOffThreadChecks(async (h) => check(h, msg(3), s))).toEqual(
          check(vmHost, msg(3), s),
        );
      }
    } finally {
      await pool.close();
    }
  });

  test("without a verifier it is a plain run on the host", async () => {
    const host = createCachingHost();
    const s = sign(msg(4), key.secretKey);
    expect(await host.withOffThreadChecks(async (h) => (h === host ? check(h, msg(4), s) : null))).toEqual(
      check(vmHost, msg(4), s),
    );
  });
});
