// The faults of a network of four validator processes (equal stakes) under a steady stream of
// transfers: kill -9 of one validator, which the others outlive and which catches up when
// restarted; kill -9 of two, which halts the chain without a fork until one comes back; and
// afterwards one chain on every node, with every transfer once reported final still final.
// One network serves the tests in order: each starts from where the one before left it.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import { readKey } from "../../node/datadir/index.ts";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { testAccounts } from "../accounts.ts";
import { LOG_FILE } from "../layout.ts";
import { readManifest } from "../manifest.ts";
import { freeBasePort } from "../ports.ts";
import { isAlive, spawnLogged, stopProcesses } from "../processes.ts";
import { crash, GRAM_TS, startUp, type Up } from "./harness.ts";
import { TransferStream } from "./transferStream.ts";

const VALIDATORS = 4;
/** The funded test wallets that send (subwallet id = index). */
const WALLETS = [4, 5, 6];
/** How long the two live nodes of four must make no block to count as halted. */
const HALT_WINDOW_MS = 6_000;

interface Node {
  index: number;
  rpc: string;
  dataDir: string;
  /** The process running it now (null while it is down). */
  pid: number | null;
  /** Its validator key, in hex, as commits name it. */
  validator: string;
}

let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;
let up: Up | null = null;
let nodes: Node[] = [];
let clients: RpcClient[] = [];
/** The nodes the stream sends to: running and caught up. */
const live = new Set<number>();
/** The validators this file restarted and that run now, by index. */
const restarted = new Map<number, ChildProcess>();
/** Every process this file started, each killed at the end. */
const started: ChildProcess[] = [];
let stream: TransferStream | null = null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first test that failed: each one after it starts from a network in a state it did not expect. */
let failedFirst: string | null = null;

/** Called first in each test: fails at once after an earlier failure, which would only cascade. */
function fromTheStateBefore(): void {
  if (failedFirst !== null)
    throw new Error(`not run: it starts where "${failedFirst}" left the network, and that test failed`);
  const name = expect.getState().currentTestName ?? "a test";
  onTestFailed(() => {
    failedFirst ??= name;
  });
}

const seqnoOf = async (i: number): Promise<number> =>
  (await clients[i].call<{ masterchain: { seqno: number } }>("getChainInfo")).masterchain.seqno;

const seqnosOf = (indexes: readonly number[]) => Promise.all(indexes.map(seqnoOf));

/** Every node's head (or why it has none), for the message of a failed wait. */
async function picture(): Promise<string> {
  const heads = await Promise.all(
    nodes.map(async (n) => {
      try {
        return `node ${n.index}: #${await seqnoOf(n.index)}`;
      } catch (e) {
        return `node ${n.index}: ${(e as Error).message}`;
      }
    }),
  );
  return `${heads.join(", ")}; live ${[...live].join(",")}; ${stream?.finals.length ?? 0} final transfers; problems: ${JSON.stringify(stream?.problems ?? [])}`;
}

/** Polls `check` until it holds; fails after `timeoutMs`, saying what did not happen and the network's state. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = [...restarted].filter(([, c]) => c.exitCode !== null || c.signalCode !== null);
    if (dead.length > 0)
      throw new Error(
        `${what}: restarted node ${dead.map(([i, c]) => `${i} exited (${c.exitCode ?? c.signalCode})`).join(", ")}; see its node.log in ${dir}`,
      );
    try {
      if (await check()) return;
    } catch {
      // A node that is not up yet: try again.
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s (${await picture()}; logs in ${dir})`);
    await sleep(everyMs);
  }
}

/** kill -9 of node `i`, whether `up` or this file started it; waits until it is gone. */
async function kill(i: number): Promise<void> {
  const { pid } = nodes[i];
  if (pid === null) throw new Error(`node ${i} is not running`);
  live.delete(i);
  const ours = restarted.delete(i);
  process.kill(pid, "SIGKILL");
  nodes[i].pid = null;
  await waitFor(
    `node ${i} (pid ${pid}) is gone after SIGKILL`,
    10_000,
    async () => !(await isAlive(pid)),
    50,
  );
  if (!ours) {
    const reported = `validator ${i} (pid ${pid}) exited with signal SIGKILL; the others go on`;
    await waitFor(
      `testnet up reports "${reported}"`,
      10_000,
      async () => up?.output().includes(reported) ?? false,
    );
  }
}

/** `gram node start --data-dir` of node `i`, as an operator restarts it; its output goes to its log. */
function restart(i: number): void {
  const n = nodes[i];
  const child = spawnLogged(
    { file: process.execPath, args: [GRAM_TS, "node", "start", "--data-dir", n.dataDir] },
    join(n.dataDir, LOG_FILE),
    env,
  );
  child.on("error", () => {});
  if (child.pid === undefined) throw new Error(`node ${i} did not start`);
  restarted.set(i, child);
  started.push(child);
  n.pid = child.pid;
}

/** Waits until node `i` has every block up to the live nodes' head, answers /ready, and sends it transfers. */
async function catchUp(i: number, timeoutMs: number): Promise<void> {
  const target = Math.max(...(await seqnosOf([...live])));
  await waitFor(
    `restarted node ${i} catches up to #${target}`,
    timeoutMs,
    async () => (await seqnoOf(i)) >= target,
  );
  await waitFor(`restarted node ${i} answers /ready with 200`, 20_000, async () => {
    const res = await fetch(`${nodes[i].rpc}/ready`, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return res.status === 200;
  });
  live.add(i);
}

/** Waits until the stream has `more` final transfers than it had when called. */
async function moreFinals(more: number, timeoutMs: number, why: string): Promise<void> {
  const from = stream?.finals.length ?? 0;
  await waitFor(
    `${more} more transfers final ${why}`,
    timeoutMs,
    async () => (stream?.finals.length ?? 0) >= from + more,
  );
}

/** The heights from 1 to `to` at which `indexes` do not all answer the same block hash. */
async function disagreements(indexes: readonly number[], to: number): Promise<string[]> {
  const bad: string[] = [];
  const BATCH = 8;
  for (let from = 1; from <= to; from += BATCH) {
    const heights = Array.from({ length: Math.min(BATCH, to - from + 1) }, (_, k) => from + k);
    const rows = await Promise.all(
      heights.map((seqno) =>
        Promise.all(
          indexes.map(
            async (i) =>
              (await clients[i].call<{ hash: string }>("getBlock", { masterchain: true, seqno })).hash,
          ),
        ),
      ),
    );
    for (const [k, hashes] of rows.entries())
      if (new Set(hashes).size !== 1 || !/^[0-9a-f]{64}$/.test(hashes[0]))
        bad.push(`#${heights[k]}: ${indexes.map((i, j) => `node ${i} ${hashes[j]}`).join(", ")}`);
  }
  return bad;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-faults-"));
  dir = join(root, "net");
  env = { ...process.env, GRAM_HOME: join(root, "home") };
  const base = await freeBasePort(VALIDATORS);
  up = await startUp(
    env,
    ["--validators", String(VALIDATORS), "--dir", dir, "--base-port", String(base)],
    90_000,
  );
  const manifest = await readManifest(dir);
  if (manifest === null || manifest.nodes.length !== VALIDATORS) throw new Error(`no testnet.json in ${dir}`);
  nodes = await Promise.all(
    manifest.nodes.map(async (n) => ({
      index: n.index,
      rpc: n.rpc,
      dataDir: n.dataDir,
      pid: n.pid,
      validator: toHex((await readKey(n.dataDir)).publicKey),
    })),
  );
  clients = nodes.map((n) => new RpcClient(n.rpc, { timeoutMs: 5_000 }));
  for (const n of nodes) live.add(n.index);
  stream = new TransferStream({
    nodes: clients,
    live: () => [...live],
    wallets: WALLETS,
    settleTimeoutMs: 60_000,
  });
  await stream.start();
}, 120_000);

afterAll(async () => {
  await stream?.stop(true);
  const own = started.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  for (const pid of own) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await crash(up, dir);
  await stopProcesses(own, 5_000);
  if (process.env.GRAM_KEEP_TESTNET === "1") console.log(`kept the network in ${dir}`);
  else await rm(root, { recursive: true, force: true });
}, 60_000);

describe("faults of four validator processes under a stream of transfers", () => {
  test("kill -9 of one: the other three go on; restarted, it catches up and signs again", async () => {
    fromTheStateBefore();
    await moreFinals(10, 30_000, "before any fault");
    const victim = 2;
    await kill(victim);
    const others = [...live];
    const atKill = Math.max(...(await seqnosOf(others)));
    // The chain never stops: every live node makes blocks, and transfers become final, without it.
    await waitFor(
      `nodes ${others.join(", ")} make 5 blocks past #${atKill} without node ${victim}`,
      30_000,
      async () => (await seqnosOf(others)).every((s) => s >= atKill + 5),
    );
    await moreFinals(5, 30_000, `without node ${victim}`);

    restart(victim);
    await catchUp(victim, 45_000);
    // It takes part again: a block decided after its return carries its precommit.
    const back = await seqnoOf(victim);
    let checked = back;
    let signedAt = 0;
    await waitFor(`node ${victim} signs a commit after #${back}`, 30_000, async () => {
      const head = await seqnoOf(victim);
      for (; checked < head && signedAt === 0; checked++) {
        const block = await clients[victim].call<{ commit: { signatures: { publicKey: string }[] } | null }>(
          "getBlock",
          { masterchain: true, seqno: checked + 1 },
        );
        if (block.commit?.signatures.some((s) => s.publicKey === nodes[victim].validator))
          signedAt = checked + 1;
      }
      return signedAt > 0;
    });
    await moreFinals(5, 30_000, `with node ${victim} back`);
    expect(live.size).toBe(VALIDATORS);
  }, 150_000);

  test("kill -9 of two: the chain halts without a fork, and resumes when one comes back", async () => {
    fromTheStateBefore();
    const victims = [1, 3];
    for (const i of victims) await kill(i);
    const pair = [...live].sort((a, b) => a - b);
    expect(pair).toEqual([0, 2]);
    // A decision in flight at the kill may still land on one of them and reach the other by sync:
    // wait until both stand at the same height for a second.
    let last: number[] = [];
    await waitFor(
      `nodes ${pair.join(", ")} stand at one height`,
      20_000,
      async () => {
        const now = await seqnosOf(pair);
        const still = now[0] === now[1] && now[0] === last[0] && now[1] === last[1];
        last = now;
        return still;
      },
      1_000,
    );
    const halted = last[0];
    const finalsAtHalt = stream?.finals.length ?? 0;
    // Two of four hold half the stake, short of the 2/3 a block needs: nothing is decided.
    const samples: number[][] = [];
    for (const until = Date.now() + HALT_WINDOW_MS; Date.now() < until; ) {
      await sleep(500);
      samples.push(await seqnosOf(pair));
    }
    expect(
      samples.filter((s) => s.some((x) => x !== halted)),
      `heads of nodes ${pair.join(", ")} while 2 of 4 are down (halted at #${halted})`,
    ).toEqual([]);
    expect(stream?.finals.length, "transfers final while 2 of 4 are down").toBe(finalsAtHalt);
    expect(await disagreements(pair, halted)).toEqual([]);

    restart(victims[0]);
    await waitFor(`the chain resumes past #${halted} with node ${victims[0]} back`, 45_000, async () =>
      (await seqnosOf(pair)).every((s) => s >= halted + 3),
    );
    await catchUp(victims[0], 45_000);
    await moreFinals(5, 30_000, `with node ${victims[0]} back`);

    restart(victims[1]);
    await catchUp(victims[1], 45_000);
    await moreFinals(5, 30_000, "with all four back");
    expect(live.size).toBe(VALIDATORS);
  }, 180_000);

  test("every node has the same block at every masterchain height up to their common head", async () => {
    fromTheStateBefore();
    await stream?.stop();
    const heads = await seqnosOf(nodes.map((n) => n.index));
    const common = Math.min(...heads);
    expect(common).toBeGreaterThan(10);
    expect(
      await disagreements(
        nodes.map((n) => n.index),
        common,
      ),
    ).toEqual([]);
  }, 90_000);

  test("every transfer once reported final is final everywhere, and its value arrived", async () => {
    fromTheStateBefore();
    const s = stream as TransferStream;
    await s.stop();
    expect(s.problems).toEqual([]);
    expect(s.finals.length).toBeGreaterThan(20);
    // Each on every node: final, in the same transaction.
    const lost: string[] = [];
    const BATCH = 32;
    const checks = s.finals.flatMap((f) => nodes.map((n) => ({ f, i: n.index })));
    for (let k = 0; k < checks.length; k += BATCH)
      await Promise.all(
        checks.slice(k, k + BATCH).map(async ({ f, i }) => {
          const st = await clients[i].call<{ status: string; transaction?: string }>("getMessageStatus", {
            hash: f.hash,
          });
          if (st.status !== "final" || st.transaction !== f.transaction)
            lost.push(
              `wallet ${f.wallet} seqno ${f.seqno} (${f.hash}), final on node ${f.node} in ${f.transaction}: node ${i} says ${JSON.stringify(st)}`,
            );
        }),
      );
    expect(lost).toEqual([]);

    for (const w of WALLETS) {
      const mine = s.finals.filter((f) => f.wallet === w);
      const start = s.startSeqnos.get(w) ?? 0n;
      const to = s.recipients.get(w) as string;
      const sum = mine.reduce((a, f) => a + f.valueNano, 0n);
      const address = `0:${toHex(testAccounts()[w].address.id)}`;
      // Every transfer the wallet made is one the stream saw final: its seqno moved by their count.
      for (const n of nodes) {
        const r = await clients[n.index].call<{ stack: { int: string }[] }>("runGetMethod", {
          address,
          method: "seqno",
        });
        expect(BigInt(r.stack[0].int), `wallet ${w}'s seqno on node ${n.index}`).toBe(
          start + BigInt(mine.length),
        );
      }
      // The payments travel as internal messages, delivered in a later block: wait for them.
      const balances = async () =>
        Promise.all(
          nodes.map(
            async (n) =>
              (await clients[n.index].call<{ balance: string }>("getAccount", { address: to })).balance,
          ),
        );
      await waitFor(
        `${mine.length} payments of wallet ${w} (${sum} nanograms) arrive at ${to}`,
        30_000,
        async () => (await balances()).every((b) => b === sum.toString()),
      ).catch(() => {});
      expect(await balances(), `balance of ${to} on each node`).toEqual(nodes.map(() => sum.toString()));
    }
  }, 60_000);
});
