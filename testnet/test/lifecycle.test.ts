// The testnet commands as a script drives them, on real processes: `testnet up` with one validator,
// `status`, `block mc`, `faucet`, `logs`, `down`, and `up` again on the same directory, which must
// carry on the same chain.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { freeBasePort } from "../ports.ts";
import { isAlive } from "../processes.ts";
import type { NodeStatus } from "../status.ts";
import { crash, gram, gramJson, nodePids, startUp, stopUp, type Up } from "./harness.ts";

/** What `gram testnet status --json` prints. */
type Status = { nodes: NodeStatus[] };

let root: string;
let dir: string;
let rpc: string;
let env: NodeJS.ProcessEnv;
let up: Up | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-testnet-cli-"));
  dir = join(root, "net");
  const base = await freeBasePort(1);
  rpc = `http://127.0.0.1:${base}`;
  env = { ...process.env, GRAM_HOME: join(root, "home") };
  up = await startUp(env, ["--validators", "1", "--dir", dir, "--base-port", String(base)]);
}, 90_000);

afterAll(async () => {
  await crash(up, dir);
  await rm(root, { recursive: true, force: true });
}, 30_000);

describe("gram testnet, as a script uses it", () => {
  test("up, status, block, faucet, logs, down, and up again on the same chain", async () => {
    expect(up?.output()).toMatch(/Started a new Gram testnet of 1 validator in /);
    const status = await gramJson<Status>(env, ["testnet", "status", "--dir", dir]);
    expect(status.nodes).toHaveLength(1);
    const [n0] = status.nodes;
    expect(n0).toMatchObject({ index: 0, rpc, alive: true, dataDir: join(dir, "node-0") });
    expect(n0.pid).toBeGreaterThan(0);
    expect(n0.masterchainSeqno).toBeGreaterThanOrEqual(1);

    const block = await gramJson<{ seqno: number; hash: string }>(env, ["--rpc", rpc, "block", "mc", "1"]);
    expect(block.seqno).toBe(1);
    expect(block.hash).toMatch(/^[0-9a-f]{64}$/);
    const far = await gram(env, ["--rpc", rpc, "block", "mc", "999999999"]);
    expect([far.code, far.stderr]).toEqual([1, expect.stringMatching(/block 999999999 is not final yet/)]);

    const fresh = `0:${randomBytes(32).toString("hex")}`;
    const sent = await gramJson<{ hash: string; status: string; amount: string }>(env, [
      "--rpc",
      rpc,
      "faucet",
      fresh,
      "2.5",
    ]);
    expect(sent).toMatchObject({ status: "final", amount: "2500000000" });
    const balance = await gramJson<{ balance: string }>(env, ["--rpc", rpc, "balance", fresh]);
    expect(balance.balance).toBe("2500000000");

    const logs = await gram(env, ["testnet", "logs", "--dir", dir, "--lines", "5"]);
    expect(logs.code).toBe(0);
    const lines = logs.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(() => JSON.parse(lines[0])).not.toThrow();

    const chain = await chainInfo(rpc);
    const pids = await nodePids(dir);
    const down = await gramJson<{ supervisor: { pid: number } | null }>(env, [
      "testnet",
      "down",
      "--dir",
      dir,
    ]);
    expect(down.supervisor?.pid).toBe(up?.child.pid);
    expect(await up?.exited).toBe(0);
    up = null;
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
    const after = await gramJson<Status>(env, ["testnet", "status", "--dir", dir]);
    expect(after.nodes[0]).toMatchObject({ pid: null, alive: false, masterchainSeqno: null });

    up = await startUp(env, ["--dir", dir]);
    expect(up.output()).toMatch(/Resumed the Gram testnet of 1 validator/);
    const again = await chainInfo(rpc);
    expect(again.genesis).toBe(chain.genesis);
    expect(again.masterchain.seqno).toBeGreaterThan(chain.masterchain.seqno);
    expect((await gramJson<{ balance: string }>(env, ["--rpc", rpc, "balance", fresh])).balance).toBe(
      "2500000000",
    );
    expect(await stopUp(up, "SIGINT")).toBe(0);
    up = null;
  }, 120_000);

  test("a second up on a running network is refused; down stops the nodes a killed up left behind", async () => {
    up ??= await startUp(env, ["--dir", dir]);
    const second = await gram(env, ["testnet", "up", "--dir", dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/a testnet already runs from .* \(pids [0-9, ]+\); stop it first/);
    const [pid] = await nodePids(dir);
    // Killed, the supervisor cannot stop its node: that one keeps running until `down`.
    expect(await stopUp(up, "SIGKILL")).toBeNull();
    up = null;
    expect(await isAlive(pid)).toBe(true);
    const down = await gramJson<{ supervisor: unknown; nodes: { index: number; pid: number }[] }>(env, [
      "testnet",
      "down",
      "--dir",
      dir,
    ]);
    expect(down.supervisor).toBeNull();
    expect(down.nodes).toEqual([{ index: 0, pid, killed: false }]);
    expect(await isAlive(pid)).toBe(false);
    expect(await nodePids(dir)).toEqual([]);
  }, 60_000);

  test("a validator that dies is reported and not restarted; with none left, up ends with 1", async () => {
    up = await startUp(env, ["--dir", dir]);
    const [pid] = await nodePids(dir);
    process.kill(pid, "SIGKILL");
    expect(await up.exited).toBe(1);
    expect(up.output()).toContain(`validator 0 (pid ${pid}) exited with signal SIGKILL; the others go on`);
    expect(up.output()).toMatch(/gram: every validator has exited; see why with 'gram testnet logs --dir /);
    up = null;
    expect(await nodePids(dir)).toEqual([]);
  }, 60_000);
});

const chainInfo = (url: string) =>
  new RpcClient(url, { timeoutMs: 10_000 }).call<{ genesis: string; masterchain: { seqno: number } }>(
    "getChainInfo",
  );
