// Four validators as `gram testnet up --validators 4` runs them, each its own process on its own
// ports: they must agree, so every node answers the same hash for the same final masterchain block,
// and three of them go on when the fourth is killed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { freeBasePort } from "../ports.ts";
import { anyAlive, crash, gramJson, nodePids, startUp, stopUp, type Up } from "./harness.ts";

const VALIDATORS = 4;

let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;
let up: Up | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-testnet-4-"));
  dir = join(root, "net");
  env = { ...process.env, GRAM_HOME: join(root, "home") };
  const base = await freeBasePort(VALIDATORS);
  up = await startUp(
    env,
    ["--validators", String(VALIDATORS), "--dir", dir, "--base-port", String(base)],
    90_000,
  );
}, 120_000);

afterAll(async () => {
  await crash(up, dir);
  await rm(root, { recursive: true, force: true });
}, 30_000);

describe("a network of four validator processes", () => {
  test("every node reaches the same masterchain block hash at a common seqno; three go on without the fourth", async () => {
    const status = await gramJson<{
      nodes: { rpc: string; alive: boolean; masterchainSeqno: number | null }[];
    }>(env, ["testnet", "status", "--dir", dir]);
    expect(status.nodes).toHaveLength(VALIDATORS);
    for (const n of status.nodes) expect(n.alive).toBe(true);
    // Every node has made block 1 final once all answer a seqno of at least 1; wait for that, bounded.
    const deadline = Date.now() + 30_000;
    let seqnos = status.nodes.map((n) => n.masterchainSeqno);
    while (seqnos.some((s) => s === null || s < 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const again = await gramJson<{ nodes: { masterchainSeqno: number | null }[] }>(env, [
        "testnet",
        "status",
        "--dir",
        dir,
      ]);
      seqnos = again.nodes.map((n) => n.masterchainSeqno);
    }
    expect(
      seqnos.every((s) => s !== null && s >= 1),
      `seqnos ${JSON.stringify(seqnos)}`,
    ).toBe(true);
    const common = Math.min(...(seqnos as number[]));
    const hashes = await Promise.all(
      status.nodes.map(
        async (n) =>
          (
            await gramJson<{ seqno: number; hash: string }>(env, [
              "--rpc",
              n.rpc,
              "block",
              "mc",
              String(common),
            ])
          ).hash,
      ),
    );
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(hashes).size, `hashes at masterchain block ${common}: ${hashes.join(", ")}`).toBe(1);

    const pids = await nodePids(dir);
    expect(pids).toHaveLength(VALIDATORS);
    // One of four down leaves 3/4 of the stake, more than 2/3: the others go on making blocks.
    process.kill(pids[3], "SIGKILL");
    const reported = `validator 3 (pid ${pids[3]}) exited with signal SIGKILL; the others go on`;
    const until = Date.now() + 10_000;
    while (!up?.output().includes(reported) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    expect(up?.output()).toContain(reported);
    const client = new RpcClient(status.nodes[0].rpc, { timeoutMs: 5_000 });
    const head = async () =>
      (await client.call<{ masterchain: { seqno: number } }>("getChainInfo")).masterchain.seqno;
    const before = await head();
    const later = Date.now() + 30_000;
    let after = before;
    while (after <= before + 1 && Date.now() < later) {
      await new Promise((r) => setTimeout(r, 200));
      after = await head();
    }
    expect(after).toBeGreaterThan(before + 1);

    expect(await stopUp(up as Up, "SIGTERM")).toBe(0);
    up = null;
    expect(await anyAlive(pids)).toBe(false);
    expect(await nodePids(dir)).toEqual([]);
  }, 90_000);
});
