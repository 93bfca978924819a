import { afterEach, describe, expect, test } from "vitest";
import { walletCode, walletStorage } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { CodecError, encode } from "../codec/index.ts";
import { keyPairFromSeed, sha256, verify } from "../crypto/index.ts";
import { executeTransaction } from "../execution/index.ts";
import { type Account, type Fees, Message } from "../ledger/index.ts";
import { GRAM, testFees } from "../ledger/testkit.ts";
import { vmHost } from "../vmhost/index.ts";
import { transferMessage, walletAddress } from "../wallet/index.ts";
import { type DryRunContext, type DryRunJob, dryRun, outcomeOf } from "./dryRun.ts";
import { VerifyPool } from "./pool.ts";

const NOW = 1_700_000_000n;
const fees: Fees = testFees;
const key = keyPairFromSeed(sha256(new TextEncoder().encode("dry run test")));
const address = walletAddress(key.publicKey, 0n);
const account: Account = {
  balance: 5n * GRAM,
  status: { kind: "active", codeHash: sha256(walletCode.image), storageRoot: new Uint8Array(32) },
  storageBytes: 0,
  lastPaid: NOW,
  storageDue: 0n,
  lastLt: 1n,
  lastTxHash: new Uint8Array(32),
};
const storage = walletStorage({ publicKey: key.publicKey, subwalletId: 0n }).map(
  (e) => [toHex(e.key), e.value] as [string, (typeof e)["value"]],
);
const transfer = (seqno: bigint): Message =>
  transferMessage({
    key,
    subwalletId: 0n,
    seqno,
    validUntil: NOW + 60n,
    payments: [{ to: address, valueNano: GRAM }],
  });
const context: DryRunContext = { fees, config: [[1n, [fees.gasPrice]]] };
const jobOf = (message: Message): DryRunJob => ({
  address,
  account,
  code: walletCode.image,
  storage,
  message: encode(Message, message),
  env: { now: NOW, lt: 10n, seed: new Uint8Array(32) },
  context,
  upTo: "end",
});
const job = jobOf(transfer(0n));
const bad = (() => {
  const m = transfer(0n) as Extract<Message, { kind: "externalIn" }>;
  const body = m.body.slice();
  body[body.length - 5] ^= 1;
  return jobOf({ ...m, body });
})();

const pools: VerifyPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("dryRun", () => {
  test("is the run on the calling thread, and lists the signature checks it passed", () => {
    const items = new Map(storage);
    const local = executeTransaction(
      { address, account, code: walletCode.image, storage: { get: (k) => items.get(toHex(k)) } },
      transfer(0n),
      { ...job.env, fees, host: vmHost },
    );
    if (local.kind !== "done" || local.transaction.compute.kind !== "vm")
      throw new Error("the run did not run");
    const answer = dryRun(job);
    expect(answer.outcome).toEqual(outcomeOf(local));
    expect(answer.outcome).toEqual({
      kind: "done",
      fees: local.fees,
      gasUsed: local.transaction.compute.gasUsed,
      exitCode: 0,
      fwdFees: local.transaction.action?.fwdFees,
      outMessages: 1,
    });
    expect(answer.accepted).toHaveLength(1);
    const [c] = answer.accepted;
    expect(verify(c.signature, c.message, c.publicKey)).toBe(true);
  });

  test("a message whose signature does not hold is refused and lists nothing", () => {
    for (const upTo of ["end", "accept"] as const) {
      const answer = dryRun({ ...bad, upTo });
      expect(answer.outcome).toMatchObject({ kind: "refused", reason: "NOT_ACCEPTED" });
      expect(answer.accepted).toEqual([]);
    }
  });

  test("up to ACCEPT: accepted, with the signature it checked, for less gas than the whole run", () => {
    const whole = dryRun(job);
    const check = dryRun({ ...job, upTo: "accept" });
    if (whole.outcome.kind !== "done" || check.outcome.kind !== "accepted") throw new Error("not accepted");
    expect(check.outcome.gasUsed > 0n && check.outcome.gasUsed < whole.outcome.gasUsed).toBe(true);
    expect(check.accepted).toEqual(whole.accepted);
  });

  test("bytes that are not an external message are refused by decoding, not run", () => {
    expect(() => dryRun({ ...job, message: job.message.subarray(1) })).toThrow(CodecError);
    const internal: Message = {
      kind: "internal",
      src: address,
      dest: address,
      value: 1n,
      bounce: false,
      bounced: false,
      body: new Uint8Array([0xc0]),
      init: null,
      fwdFee: 0n,
      createdLt: 1n,
      createdAt: NOW,
    };
    expect(() => dryRun({ ...job, message: encode(Message, internal) })).toThrow(TypeError);
  });
});

describe("VerifyPool.run", () => {
  test("a worker's dry run equals the calling thread's", async () => {
    const pool = new VerifyPool({ threads: 1 });
    pools.push(pool);
    const check = { ...job, upTo: "accept" as const };
    const [a, b, c] = await Promise.all([pool.run(job), pool.run(bad), pool.run(check)]);
    expect(a).toEqual(dryRun(job));
    expect(b).toEqual(dryRun(bad));
    expect(c).toEqual(dryRun(check));
    expect(c.outcome.kind).toBe("accepted");
    expect(pool.answered).toEqual({ workers: 3, here: 0 });
  });

  test("runs that share a code, and more codes than a worker keeps, answer as here", async () => {
    const pool = new VerifyPool({ threads: 1 });
    pools.push(pool);
    const expected = dryRun(job);
    // The same array in later batches travels as its number only.
    for (let i = 0; i < 3; i++) expect(await pool.run(job)).toEqual(expected);
    // Past the cap (256) the worker forgets them all, in the middle of a batch too.
    const copies = Array.from({ length: 300 }, () => ({ ...job, code: walletCode.image.slice() }));
    const answers = await Promise.all([job, ...copies, job].map((j) => pool.run(j)));
    for (const a of answers) expect(a).toEqual(expected);
    for (let i = 0; i < 3; i++) expect(await pool.run(copies[i])).toEqual(expected);
    const none = { ...job, code: null, account: null };
    expect(await pool.run(none)).toEqual(dryRun(none));
  });

  test("runs under several configs, more than a worker keeps, each run under its own", async () => {
    const pool = new VerifyPool({ threads: 1 });
    pools.push(pool);
    // A gas price per config: the fee each run reports shows which config it ran under.
    const configs = Array.from({ length: 9 }, (_, i): DryRunContext => {
      const f = { ...fees, gasPrice: fees.gasPrice * BigInt(i + 1) };
      return { fees: f, config: [[1n, [f.gasPrice]]] };
    });
    const jobs = [...configs, ...configs.slice(0, 3)].map((c) => ({ ...job, context: c }));
    const answers = await Promise.all(jobs.map((j) => pool.run(j)));
    answers.forEach((a, i) => {
      expect(a).toEqual(dryRun(jobs[i]));
    });
    const feesOf = answers.map((a) => (a.outcome.kind === "done" ? a.outcome.fees : -1n));
    expect(new Set(feesOf.slice(0, 9)).size).toBe(9);
    expect(pool.answered).toEqual({ workers: jobs.length, here: 0 });
  });

  test("a run that throws rejects with the error the calling thread's run throws", async () => {
    const pool = new VerifyPool({ threads: 1 });
    pools.push(pool);
    const broken = { ...job, message: job.message.subarray(2) };
    expect(() => dryRun(broken)).toThrow(CodecError);
    await expect(pool.run(broken)).rejects.toThrow(CodecError);
  });

  test("a worker that dies has its runs done here", async () => {
    const pool = new VerifyPool({
      threads: 1,
      workerUrl: new URL("./crashingWorker.testkit.ts", import.meta.url),
    });
    pools.push(pool);
    expect(await pool.run(job)).toEqual(dryRun(job));
  });
});
