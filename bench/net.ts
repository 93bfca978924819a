// net.* and testnet.*: four validators as separate processes (`gram node start`) on loopback,
// agreeing over libp2p, driven by the load of bench/load.ts with transfers sent to every node in
// turn: final transfers/s and submission-to-final latency; then a fresh node that joins and
// syncs the whole chain (blocks/s); and `gram testnet up` from launch to its first final block.
// GRAM_BENCH_KEEP=1 keeps the nodes' directories (and their node.log) to look at afterwards;
// with GRAM_BENCH_PROFILE=1 as well, each holds the node's CPU profile. A profile of a node that
// shares its core with others charges it the time it waited for one; for where the CPU goes, run
// perf on the nodes with GRAM_BENCH_NODE_FLAGS=--perf-basic-prof.
//
// Comparing two versions: this machine's speed swings by a third between runs, more than most
// changes are worth, while the four validators of one run share whatever it is. With
// GRAM_BENCH_B=<another checkout>/cli/gram.ts (and/or GRAM_BENCH_B_FLAGS="<node flags>"),
// validators 1 and 3 run that version and 0 and 2 this one, in the same run under the same load;
// net.transfers_4v then sets the CPU per transfer of the two pairs side by side (`cpuUsA`,
// `cpuUsB`, `bOverA`). The versions must speak the same protocol; each writes its own nodes' data
// directories, so their store formats may differ. With both pairs alike, bOverA
// was 0.905-1.042 over six runs whose rates were 939-1,324/s: one run tells a change of a tenth
// or more (--battery-saver-mode: 1.135; Maglev only, --max-opt=2: 1.085), smaller ones need
// several.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Genesis } from "../node/chain/index.ts";
import { keyPairFromSeed, sha256 } from "../node/crypto/index.ts";
import {
  type ConsensusConfig,
  DEFAULT_CONSENSUS,
  initDataDir,
  writeNodeConfig,
  writeNodeKey,
} from "../node/datadir/index.ts";
import { peerIdOf } from "../node/p2p/index.ts";
import { DEFAULT_GOVERNANCE } from "../node/system/index.ts";
import { freePort, TESTNET_FEES } from "../testnet/index.ts";
import { type Benchmark, type BenchResult, nodeFlags, stopChild, withGramCode } from "./harness.ts";
import {
  batch,
  benchAccounts,
  firstBlock,
  GRAM,
  LOAD_FIELDS,
  type LoadResult,
  runLoad,
  WALLETS,
} from "./load.ts";

const GRAM_TS = join(import.meta.dirname, "..", "cli", "gram.ts");
const VALIDATORS = 4;
/**
 * Wallets in flight for the rate, as for one node. More wait longer for about the same rate
 * (measured one after another: 1,000 gave 540/s, 2,000 618/s, 3,000 529/s).
 */
const NET_WALLETS = Number(process.env.GRAM_BENCH_WALLETS ?? WALLETS);
const seedOf = (what: string) => sha256(new TextEncoder().encode(what));
const validatorKeys = Array.from({ length: VALIDATORS + 1 }, (_, i) =>
  keyPairFromSeed(seedOf(`gram bench validator ${i}`)),
);
const nodeKeys = Array.from({ length: VALIDATORS + 1 }, (_, i) => seedOf(`gram bench node ${i}`));

function genesis(): Genesis {
  return {
    network: "bench-net",
    time: BigInt(Math.floor(Date.now() / 1000)),
    config: {
      fees: TESTNET_FEES,
      maxBlockTransactions: 10_000,
      getMethodGasLimit: 1_000_000n,
      ...DEFAULT_GOVERNANCE,
      validators: validatorKeys.slice(0, VALIDATORS).map((k) => ({ publicKey: k.publicKey, stake: GRAM })),
    },
    accounts: benchAccounts(NET_WALLETS + LATENCY_WALLETS),
  };
}

interface Proc {
  child: ChildProcess;
  url: string;
}

interface Network {
  root: string;
  consensus: ConsensusConfig;
  genesis: Genesis;
  p2pPorts: number[];
  nodes: Proc[];
}

/** GRAM_BENCH_B / GRAM_BENCH_B_FLAGS: what the validators of odd index run instead, if anything. */
const versionB = {
  entry: process.env.GRAM_BENCH_B ?? GRAM_TS,
  flags: (process.env.GRAM_BENCH_B_FLAGS ?? "").split(" ").filter(Boolean),
  set: process.env.GRAM_BENCH_B !== undefined || process.env.GRAM_BENCH_B_FLAGS !== undefined,
  /** Its own data directories: a store in one version's format may be one the other cannot open. */
  init: async (): Promise<typeof initDataDir> =>
    process.env.GRAM_BENCH_B === undefined
      ? initDataDir
      : (await import(new URL("../node/datadir/index.ts", pathToFileURL(versionB.entry)).href)).initDataDir,
};
const runsB = (i: number) => versionB.set && i < VALIDATORS && i % 2 === 1;

function spawnNode(dir: string, rpcPort: number, b = false): Proc {
  const log = openSync(join(dir, "node.log"), "a");
  // GRAM_BENCH_PROFILE=1: each node writes a CPU profile into its directory when it stops.
  const flags = [
    ...(process.env.GRAM_BENCH_PROFILE === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", dir]),
    ...nodeFlags(),
    ...(b ? versionB.flags : []),
  ];
  const entry = b ? versionB.entry : GRAM_TS;
  const child = spawn(process.execPath, [...flags, entry, "node", "start", "--data-dir", dir], {
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const orphaned = () => child.kill("SIGKILL");
  process.once("exit", orphaned);
  child.once("exit", () => process.off("exit", orphaned));
  return { child, url: `http://127.0.0.1:${rpcPort}` };
}

/** Node i's data directory: node i of the network, or with i = VALIDATORS a node that follows. */
async function makeNode(net: Omit<Network, "nodes">, i: number): Promise<{ dir: string; rpcPort: number }> {
  const dir = join(net.root, `node-${i}`);
  const rpcPort = await freePort();
  await (runsB(i) ? await versionB.init() : initDataDir)(dir, net.genesis, validatorKeys[i]);
  await writeNodeKey(dir, nodeKeys[i]);
  await writeNodeConfig(dir, {
    rpc: { host: "127.0.0.1", port: rpcPort },
    p2p: {
      host: "127.0.0.1",
      port: net.p2pPorts[i],
      bootstrap: net.p2pPorts
        .slice(0, VALIDATORS)
        .map((p, j) => `/ip4/127.0.0.1/tcp/${p}/p2p/${peerIdOf(nodeKeys[j])}`)
        .filter((_, j) => j !== i),
    },
    consensus: net.consensus,
  });
  return { dir, rpcPort };
}

async function startNetwork(consensus: Partial<ConsensusConfig> = {}): Promise<Network> {
  const root = await mkdtemp(join(tmpdir(), "gram-bench-net-"));
  if (process.env.GRAM_BENCH_KEEP === undefined)
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  const p2pPorts = await Promise.all(validatorKeys.map(() => freePort()));
  const net = { root, genesis: genesis(), p2pPorts, consensus: { ...DEFAULT_CONSENSUS, ...consensus } };
  const nodes: Proc[] = [];
  for (let i = 0; i < VALIDATORS; i++) {
    const { dir, rpcPort } = await makeNode(net, i);
    nodes.push(spawnNode(dir, rpcPort, runsB(i)));
  }
  return { ...net, nodes };
}

async function stop(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((p) => stopChild(p.child)));
}

async function seqnoOf(url: string): Promise<number> {
  try {
    const [a] = await batch(url, [{ method: "getChainInfo", params: {} }]);
    return a.result?.masterchain?.seqno ?? -1;
  } catch {
    return -1;
  }
}

/** A fresh node joins the network and writes every round it missed (consensus §8.2). */
async function syncFrom(net: Network): Promise<BenchResult> {
  const target = await seqnoOf(net.nodes[0].url);
  const { dir, rpcPort } = await makeNode(net, VALIDATORS);
  const follower = spawnNode(dir, rpcPort);
  try {
    let at = -1;
    let first: { at: number; t: number } | null = null;
    const end = performance.now() + 120_000;
    while (at < target) {
      if (performance.now() > end) throw new Error(`the new node synced ${at} of ${target} blocks in 120 s`);
      // Asked every 20 ms, not every few: each answer is work on the node being measured.
      await new Promise((r) => setTimeout(r, 20));
      at = await seqnoOf(follower.url);
      if (first === null && at > 0) first = { at, t: performance.now() };
    }
    if (first === null) throw new Error("the new node wrote no block");
    const s = (performance.now() - first.t) / 1000;
    return {
      value: Math.round((target - first.at) / s),
      unit: "blocks/s",
      blocks: target - first.at,
      ms: Math.round(s * 1000),
    };
  } finally {
    await stop([follower]);
  }
}

/**
 * Wallets in flight for the latency figures. At full load (WALLETS in flight) a transfer waits
 * for the ones ahead of it (Little's law: in flight over the rate); finality is the time a
 * transfer takes when the network is not saturated, as a wallet user meets it.
 */
const LATENCY_WALLETS = 50;
const LATENCY_LOAD_MS = 10_000;

interface NetResult {
  load: LoadResult;
  light: LoadResult;
}

/** Waits (bounded) until no node has messages waiting: what the full load left is decided. */
async function drained(urls: string[]): Promise<void> {
  const end = performance.now() + 60_000;
  for (;;) {
    const waiting = await Promise.all(
      urls.map(async (url) => {
        const [a] = await batch(url, [{ method: "getChainInfo", params: {} }]);
        return a.result?.pendingMessages ?? 1;
      }),
    );
    if (waiting.every((n) => n === 0)) return;
    if (performance.now() > end) throw new Error(`messages still waiting after 60 s: ${waiting.join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(): Promise<NetResult> {
  const net = await startNetwork();
  try {
    await Promise.all(net.nodes.map((n) => firstBlock(n.url, 60_000)));
    const target = { urls: net.nodes.map((n) => n.url), pids: net.nodes.map((n) => n.child.pid) };
    const load = await runLoad(target, NET_WALLETS);
    await drained(target.urls);
    // The nodes are warm from the load just run.
    const light = await runLoad(target, LATENCY_WALLETS, LATENCY_LOAD_MS, NET_WALLETS, 0);
    return { load, light };
  } finally {
    await stop(net.nodes);
    if (process.env.GRAM_BENCH_KEEP === undefined) await rm(net.root, { recursive: true, force: true });
  }
}

/** Rounds the network makes for the sync figure: without work, one every few ms. */
const SYNC_BLOCKS = 600;

/**
 * A network that makes empty rounds as fast as it can agree, until it has SYNC_BLOCKS; then all
 * but one validator stop, a fresh node joins, and the rate is taken from its first written round
 * to the height it found, so the node's own start is not in it.
 */
async function syncBench(): Promise<BenchResult> {
  const net = await startNetwork({ minBlockIntervalMs: 1, idleBlockIntervalMs: 1 });
  try {
    const end = performance.now() + 120_000;
    while ((await seqnoOf(net.nodes[0].url)) < SYNC_BLOCKS) {
      if (performance.now() > end) throw new Error(`the network made under ${SYNC_BLOCKS} blocks in 120 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // One validator stays to serve the rounds; the chain halts, and the new node has the cores.
    await stop(net.nodes.slice(1));
    return await syncFrom(net);
  } finally {
    await stop(net.nodes);
    if (process.env.GRAM_BENCH_KEEP === undefined) await rm(net.root, { recursive: true, force: true });
  }
}

let once: Promise<NetResult> | null = null;
const runOnce = () => {
  once ??= run();
  return once;
};

async function testnetUp(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "gram-bench-testnet-"));
  const base = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [GRAM_TS, "testnet", "up", "--validators", String(VALIDATORS), "--dir", dir, "--base-port", String(base)],
    { stdio: "ignore", env: { ...process.env, GRAM_HOME: dir } },
  );
  const up = { child, url: `http://127.0.0.1:${base}` };
  try {
    await firstBlock(up.url, 60_000);
    return { value: Math.round(performance.now() - started), unit: "ms", validators: VALIDATORS };
  } finally {
    await stop([up]);
    await rm(dir, { recursive: true, force: true });
  }
}

function latency(name: string, pick: (r: LoadResult) => number): Benchmark {
  return {
    name,
    run: async () => {
      const { light, load } = await runOnce();
      return {
        value: pick(light),
        unit: "ms",
        walletsInFlight: LATENCY_WALLETS,
        transfersPerSecond: light.tps,
        samples: light.latencySamples,
        atFullLoadMs: pick(load),
      };
    },
  };
}

/** The two pairs' CPU per transfer (validators 0 and 2 against 1 and 3), and B's over A's. */
function compared(each: readonly number[]) {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = mean(each.filter((_, i) => !runsB(i)));
  const b = mean(each.filter((_, i) => runsB(i)));
  return {
    versionB: [process.env.GRAM_BENCH_B, process.env.GRAM_BENCH_B_FLAGS].filter(Boolean).join(" "),
    cpuUsA: Math.round(a),
    cpuUsB: Math.round(b),
    bOverA: Math.round((1000 * b) / a) / 1000,
  };
}

export const benchmarks: Benchmark[] = withGramCode([
  {
    name: "net.transfers_4v",
    run: async () => {
      const { load: r } = await runOnce();
      return {
        value: r.tps,
        unit: "transfers/s",
        validators: VALIDATORS,
        wallets: NET_WALLETS,
        finals: r.finals,
        refused: r.refused,
        resent: r.resent,
        nodesCpuUsPerTransfer: r.nodeCpuUs,
        nodeCpuUsEach: r.nodeCpuUsEach.join(" "),
        ...(versionB.set ? compared(r.nodeCpuUsEach) : {}),
        loadCpuUsPerTransfer: r.loadCpuUs,
        ...LOAD_FIELDS,
      };
    },
  },
  latency("net.latency_p50_4v", (r) => r.p50),
  latency("net.latency_p99_4v", (r) => r.p99),
  { name: "net.sync", run: syncBench },
  { name: "testnet.up_4v", run: testnetUp },
]);
