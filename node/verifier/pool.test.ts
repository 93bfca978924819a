import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterEach, describe, expect, test } from "vitest";
import { keyPairFromSeed, sha256, sign, verify } from "../crypto/index.ts";
import { VerifyPool } from "./pool.ts";
import { packCheckGroups, packChecks, type SignatureCheck, unpackChecks } from "./wire.ts";

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const key = keyPairFromSeed(sha256(new TextEncoder().encode("verifier test")));
const honest = (n: number): SignatureCheck => {
  const message = sha256(Uint8Array.of(n));
  return { message, publicKey: key.publicKey, signature: sign(message, key.secretKey) };
};
const flipped = (c: SignatureCheck): SignatureCheck => {
  const signature = c.signature.slice();
  signature[5] ^= 1;
  return { ...c, signature };
};
const edges = (
  JSON.parse(
    readFileSync(new URL("../../specs/vectors/crypto/ed25519-gram-edges.json", import.meta.url), "utf8"),
  ) as { message: string; pub_key: string; signature: string }[]
).map((v) => ({
  message: fromHex(v.message),
  publicKey: fromHex(v.pub_key),
  signature: fromHex(v.signature),
}));
const rule = (cs: SignatureCheck[]) => cs.map((c) => verify(c.signature, c.message, c.publicKey));

const pools: VerifyPool[] = [];
const open = (options: ConstructorParameters<typeof VerifyPool>[0] = {}) => {
  const pool = new VerifyPool(options);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("VerifyPool", () => {
  test("answers as verify does: honest, altered, the edge vectors and wrong lengths", async () => {
    const pool = open({ threads: 2 });
    const odd: SignatureCheck[] = [
      { ...honest(1), publicKey: key.publicKey.subarray(0, 31) },
      { ...honest(2), signature: new Uint8Array(0) },
      { message: new Uint8Array(0), publicKey: key.publicKey, signature: honest(3).signature },
    ];
    const checks = [honest(0), flipped(honest(0)), ...edges, ...odd];
    expect(await pool.verify(checks)).toEqual(rule(checks));
    expect(new Set(rule(checks))).toEqual(new Set([true, false]));
    // A worker gave the answers, not the calling thread's fallback.
    expect(pool.answered).toEqual({ workers: 1, here: 0 });
  });

  test("checks asked for together are split into batches and each caller gets its own answers", async () => {
    const pool = open({ threads: 2, maxBatch: 3 });
    const asks = Array.from({ length: 20 }, (_, n) =>
      n % 3 === 0 ? [flipped(honest(n))] : [honest(n), honest(n + 100)],
    );
    const answers = await Promise.all(asks.map((a) => pool.verify(a)));
    expect(answers).toEqual(asks.map(rule));
  });

  test("checks sent at once, beside ones that wait for the turn's end, get their own answers", async () => {
    const pool = open({ threads: 1 });
    const first = [honest(1), flipped(honest(2))];
    const second = [flipped(honest(3)), honest(4)];
    const answers = await Promise.all([pool.verify(first, { now: true }), pool.verify(second)]);
    expect(answers).toEqual([rule(first), rule(second)]);
    expect(pool.answered).toEqual({ workers: 2, here: 0 });
  });

  test("refuses arguments that are not checks of bytes, as verify does", () => {
    const pool = open({ threads: 1 });
    expect(() => pool.verify([{ ...honest(0), signature: "x" as never }])).toThrow(TypeError);
    expect(() => pool.verify("x" as never)).toThrow(TypeError);
  });

  test("a worker that dies has its checks answered here, and is replaced only a few times", async () => {
    const errors: unknown[] = [];
    const pool = open({
      threads: 1,
      workerUrl: new URL("./crashingWorker.testkit.ts", import.meta.url),
      onWorkerError: (e) => errors.push(e),
    });
    for (let round = 0; round < 5; round++) {
      const checks = [honest(round), flipped(honest(round))];
      expect(await pool.verify(checks)).toEqual([true, false]);
    }
    expect(pool.live).toBe(0);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(String(errors.at(-1))).toMatch(/now runs on the main thread/);
    expect(pool.answered).toEqual({ workers: 0, here: 5 });
  });

  test("close answers what is pending, ends the workers, and later checks run here", async () => {
    const pool = open({ threads: 1 });
    const pending = pool.verify([honest(7), flipped(honest(7))]);
    await pool.close();
    expect(await pending).toEqual([true, false]);
    expect(pool.live).toBe(0);
    expect(await pool.verify([honest(8)])).toEqual([true]);
    await pool.close();
  });

  test("workers start with the first check", async () => {
    const pool = open({ threads: 2 });
    expect(pool.live).toBe(0);
    expect(await pool.verify([honest(1)])).toEqual([true]);
    expect(pool.live).toBe(2);
  });

  test("no threads: every check runs on the calling thread", async () => {
    const pool = open({ threads: 0 });
    expect(await pool.verify([honest(1), flipped(honest(1))])).toEqual([true, false]);
    expect(pool.answered).toEqual({ workers: 0, here: 1 });
  });

  // Linux keeps a nice value per thread (/proc/self/task/TID/stat, field 19).
  const niceOfThreads = () =>
    readdirSync("/proc/self/task").map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });

  test.runIf(process.platform === "linux")(
    "workers run below the calling thread's priority, which keeps its own",
    async () => {
      const own = getPriority();
      const before = niceOfThreads().filter((n) => n === own + 3).length;
      const pool = open({ threads: 1, niceness: 3 });
      expect(await pool.verify([honest(1)])).toEqual([true]);
      expect(niceOfThreads().filter((n) => n === own + 3).length).toBe(before + 1);
      expect(getPriority()).toBe(own);
    },
  );

  test("refuses a niceness outside 0 to 19", () => {
    for (const niceness of [-1, 20, 1.5]) expect(() => new VerifyPool({ niceness })).toThrow(RangeError);
  });
});

describe("packChecks", () => {
  test("round-trips checks of any lengths", () => {
    const checks = [
      honest(1),
      { message: new Uint8Array(0), publicKey: Uint8Array.of(1), signature: new Uint8Array(70) },
    ];
    expect(unpackChecks(packChecks(checks))).toEqual(checks);
    expect(unpackChecks(packChecks([]))).toEqual([]);
  });

  test("packs groups as views of one buffer, each unpacking to its own checks", () => {
    const odd = { message: new Uint8Array(0), publicKey: Uint8Array.of(1), signature: new Uint8Array(70) };
    const groups = [[honest(1), odd], [], [honest(2)]];
    const packed = packCheckGroups(groups);
    expect(packed.map(unpackChecks)).toEqual(groups);
    expect(new Set(packed.map((p) => p.buffer)).size).toBe(1);
    expect(packCheckGroups([])).toEqual([]);
  });
});
