import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { toHex } from "../node/bytes/index.ts";
import { readKey } from "../node/datadir/index.ts";
import { readManifest } from "./manifest.ts";
import { freeBasePort } from "./ports.ts";
import { isAlive } from "./processes.ts";
import { testnetStatus } from "./status.ts";
import { type NodeExit, type RunningTestnet, testnetUp } from "./up.ts";

const FAKE_NODE = join(import.meta.dirname, "fakeNode.testkit.ts");
const fakeNode = (dataDir: string) => ({ file: process.execPath, args: [FAKE_NODE, dataDir] });
/** A node that prints a line on stderr and exits 1, as `gram node start` does on a bad directory. */
const failingNode = () => ({
  file: process.execPath,
  args: ["-e", "console.error('gram: no good'); process.exit(1)"],
});
/** Where the stand-in node finds the validator set in force it answers getConfig with. */
const IN_FORCE_FILE = "fake-validators.json";
/** A node that never answers. */
const silentNode = (dataDir: string) => ({
  file: process.execPath,
  args: ["-e", "setInterval(() => {}, 1000)", dataDir],
});

let dir: string;
let running: RunningTestnet[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gram-up-"));
});
afterEach(async () => {
  for (const net of running) await net.stop();
  running = [];
  await rm(dir, { recursive: true, force: true });
});

async function up(options: Partial<Parameters<typeof testnetUp>[0]> = {}): Promise<RunningTestnet> {
  const net = await testnetUp({ dir, nodeCommand: fakeNode, stopTimeoutMs: 2_000, ...options });
  running.push(net);
  return net;
}

describe("testnet up, with stand-in nodes", () => {
  test("starts a node per validator, records them, and stops them all", async () => {
    const basePort = await freeBasePort(2);
    const net = await up({ validators: 2, basePort });
    expect(net.fresh).toBe(true);
    expect(net.notes).toEqual([]);
    expect(net.masterchainSeqno).toBeGreaterThanOrEqual(1);
    expect(net.nodes.map((n) => n.rpc)).toEqual([
      `http://127.0.0.1:${basePort}`,
      `http://127.0.0.1:${basePort + 1}`,
    ]);
    const m = await readManifest(dir);
    expect(m?.supervisor).toBe(process.pid);
    expect(m?.nodes.map((n) => n.pid)).toEqual(net.nodes.map((n) => n.pid));
    for (const n of net.nodes) expect(await isAlive(n.pid)).toBe(true);
    const stopped = await net.stop();
    expect(stopped).toEqual(net.nodes.map((n) => ({ index: n.index, pid: n.pid, killed: false })));
    for (const n of net.nodes) expect(await isAlive(n.pid)).toBe(false);
    expect(await readManifest(dir)).toMatchObject({
      supervisor: null,
      nodes: [{ pid: null }, { pid: null }],
    });

    // Resumed: the network on disk wins over the options, and says so.
    const again = await up({ validators: 3, basePort: basePort + 1, blockTimeMs: 10 });
    expect(again.fresh).toBe(false);
    expect(again.nodes).toHaveLength(2);
    expect(again.notes.join("\n")).toMatch(/has 2 validators, not 3.*\n.*--base-port.*\n.*--block-time/);
  }, 30_000);

  test("reports a node that dies after it is up, and resolves allExited when the last one does", async () => {
    const exits: NodeExit[] = [];
    const net = await up({
      validators: 2,
      basePort: await freeBasePort(2),
      onNodeExit: (e) => exits.push(e),
    });
    process.kill(net.nodes[1].pid, "SIGKILL");
    process.kill(net.nodes[0].pid, "SIGKILL");
    await net.allExited;
    expect(exits.map((e) => [e.index, e.signal]).sort()).toEqual([
      [0, "SIGKILL"],
      [1, "SIGKILL"],
    ]);
  }, 30_000);

  test("refuses a second network on a directory whose nodes run", async () => {
    await up({ validators: 1, basePort: await freeBasePort(1) });
    await expect(up()).rejects.toMatchObject({
      code: "TESTNET_RUNNING",
      message: /pids [0-9]+; stop it first/,
    });
  }, 30_000);

  test("reset makes a new network in place of the one there", async () => {
    const basePort = await freeBasePort(2);
    const first = await up({ validators: 1, basePort });
    await first.stop();
    const second = await up({ validators: 2, basePort, reset: true });
    expect([second.fresh, second.nodes.length]).toEqual([true, 2]);
  }, 30_000);

  test("a node that exits before the network is up fails it with its last log line; nothing is left", async () => {
    const err = await up({ validators: 2, basePort: await freeBasePort(2), nodeCommand: failingNode }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({
      code: "TESTNET_NODE_EXITED",
      message: expect.stringMatching(
        /validator [01] \(pid [0-9]+\) exited with code 1 before the network was up: gram: no good; see .*node\.log .*--reset/,
      ),
    });
    expect(await readManifest(dir)).toMatchObject({
      supervisor: null,
      nodes: [{ pid: null }, { pid: null }],
    });
  }, 30_000);

  test("no final block in time fails it, and its nodes are stopped", async () => {
    const err = await up({
      validators: 1,
      basePort: await freeBasePort(1),
      nodeCommand: silentNode,
      readyTimeoutMs: 300,
    }).catch((e) => e);
    expect(err).toMatchObject({
      code: "TESTNET_NOT_READY",
      message: /node 0 did not answer at .* within 0.3 s/,
    });
    const m = await readManifest(dir);
    expect(m?.nodes[0].pid).toBeNull();
  }, 30_000);

  test("aborted while it starts, it stops what it started", async () => {
    const controller = new AbortController();
    const pending = up({
      validators: 1,
      basePort: await freeBasePort(1),
      nodeCommand: silentNode,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: "TESTNET_ABORTED" });
    expect((await readManifest(dir))?.nodes[0].pid).toBeNull();
  }, 30_000);

  test("spares: started after the validators, recorded with their keys, labelled by the genesis", async () => {
    const basePort = await freeBasePort(3);
    const net = await up({ validators: 2, spare: 1, basePort });
    expect(net.nodes.map((n) => [n.index, n.role, n.rpc])).toEqual([
      [0, "validator", `http://127.0.0.1:${basePort}`],
      [1, "validator", `http://127.0.0.1:${basePort + 1}`],
      [2, "spare", `http://127.0.0.1:${basePort + 2}`],
    ]);
    const keys = await Promise.all(net.nodes.map(async (n) => toHex((await readKey(n.dataDir)).publicKey)));
    expect(net.nodes.map((n) => n.validatorKey)).toEqual(keys);
    for (const n of net.nodes) expect(await isAlive(n.pid)).toBe(true);
    const m = await readManifest(dir);
    expect(m?.nodes.map((n) => [n.pid, n.validatorKey])).toEqual(
      net.nodes.map((n) => [n.pid, keys[n.index]]),
    );
    // The stand-ins do not answer getConfig: status falls back to the genesis's set.
    const status = await testnetStatus(dir);
    expect(status.nodes.map((n) => [n.role, n.validatorKey])).toEqual([
      ["validator", keys[0]],
      ["validator", keys[1]],
      ["spare", keys[2]],
    ]);
    await net.stop();

    // Resumed: the counts on disk win, and a different --spare says so.
    const again = await up({ spare: 2 });
    expect(again.nodes.map((n) => n.role)).toEqual(["validator", "validator", "spare"]);
    expect(again.notes).toEqual([
      `the network in ${dir} has 1 spare, not 2: --spare counts only for a new one (--reset)`,
    ]);
    await again.stop();
    expect((await up({ validators: 2, spare: 1 })).notes).toEqual([]);
  }, 30_000);

  test("roles follow the validator set in force: an elected spare is a validator, a dropped one a spare", async () => {
    const basePort = await freeBasePort(3);
    const first = await up({ validators: 2, spare: 1, basePort });
    await first.stop();
    // After an election: node 0 and the spare validate, node 1 no longer does.
    const inForce = [first.nodes[0].validatorKey, first.nodes[2].validatorKey];
    for (const n of first.nodes) await writeFile(join(n.dataDir, IN_FORCE_FILE), JSON.stringify(inForce));
    const net = await up();
    expect(net.nodes.map((n) => n.role)).toEqual(["validator", "spare", "validator"]);
    expect((await testnetStatus(dir)).nodes.map((n) => n.role)).toEqual(["validator", "spare", "validator"]);
  }, 30_000);

  test("a spare that does not follow the chain keeps the network from being up, and is named", async () => {
    const err = await up({
      validators: 1,
      spare: 1,
      basePort: await freeBasePort(2),
      nodeCommand: (d) => (d.endsWith("node-1") ? silentNode(d) : fakeNode(d)),
      readyTimeoutMs: 1_500,
    }).catch((e) => e);
    expect(err).toMatchObject({
      code: "TESTNET_NOT_READY",
      message: expect.stringMatching(
        /^spare 1 did not follow the chain within [0-9.]+ s: it did not answer at http/,
      ),
    });
    expect((await readManifest(dir))?.nodes.map((n) => n.pid)).toEqual([null, null]);
  }, 30_000);

  test("a spare that exits before the network is up is named as a spare", async () => {
    const err = await up({
      validators: 1,
      spare: 1,
      basePort: await freeBasePort(2),
      nodeCommand: (d) => (d.endsWith("node-1") ? failingNode() : fakeNode(d)),
    }).catch((e) => e);
    expect(err).toMatchObject({
      code: "TESTNET_NODE_EXITED",
      message: expect.stringMatching(/^spare 1 \(pid [0-9]+\) exited with code 1 before the network was up/),
    });
  }, 30_000);

  test("too many nodes, or a bad spare count, is misuse before anything is written", async () => {
    await expect(up({ validators: 90, spare: 11 })).rejects.toThrow(/at most 100/);
    await expect(up({ spare: 17 })).rejects.toThrow(/spare must be an integer in 0\.\.16/);
    expect(await readManifest(dir)).toBeNull();
  });

  test("a port already taken is named before any node starts", async () => {
    const basePort = await freeBasePort(1);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(basePort + 100, "127.0.0.1", r));
    try {
      await expect(up({ validators: 1, basePort })).rejects.toMatchObject({
        code: "TESTNET_PORT_IN_USE",
        message: `port ${basePort + 100} (node 0's p2p) is taken by another program or testnet; pass another --base-port`,
      });
      expect(await readManifest(dir)).toBeNull();
    } finally {
      blocker.close();
    }
  }, 30_000);
});
