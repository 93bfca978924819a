// chain.* and node.*: a real node process (`gram node start`), a network of one validator,
// driven over JSON-RPC by this process as the load (bench/load.ts): final transfers/s,
// submission-to-final latency, ms from start to the first block, and resident memory with 100k
// accounts. With the rate go the CPU per transfer of the node and of the load, and how the node's
// main thread (its one serial path) spent the window: running, or ready and waiting for a core.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Genesis } from "../node/chain/index.ts";
import { keyPairFromSeed, sha256 } from "../node/crypto/index.ts";
import { initDataDir } from "../node/datadir/index.ts";
import { DEFAULT_GOVERNANCE } from "../node/system/index.ts";
import { freePort, TESTNET_FEES } from "../testnet/index.ts";
import { type Benchmark, type BenchResult, nodeFlags, stopChild, withGramCode } from "./harness.ts";
import { benchAccounts, firstBlock, GRAM, LOAD_FIELDS, type LoadResult, runLoad, WALLETS } from "./load.ts";

const GRAM_TS = join(import.meta.dirname, "..", "cli", "gram.ts");
const validator = keyPairFromSeed(sha256(new TextEncoder().encode("gram bench validator")));

function genesis(wallets: number, plain = 0): Genesis {
  return {
    network: "bench",
    time: BigInt(Math.floor(Date.now() / 1000)),
    config: {
      fees: TESTNET_FEES,
      maxBlockTransactions: 10_000,
      getMethodGasLimit: 1_000_000n,
      ...DEFAULT_GOVERNANCE,
      validators: [{ publicKey: validator.publicKey, stake: GRAM }],
    },
    accounts: benchAccounts(wallets, plain),
  };
}

interface Node {
  child: ChildProcess;
  url: string;
  dir: string;
  startedAt: number;
}

async function startNode(g: Genesis): Promise<Node> {
  const dir = await mkdtemp(join(tmpdir(), "gram-bench-"));
  await initDataDir(dir, g, validator);
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeFlags(), GRAM_TS, "node", "start", "--dir", dir, "--rpc-port", String(port)],
    { stdio: "ignore" },
  );
  // A bench that dies (an uncaught error, Ctrl-C: neither runs a finally) takes its node and data
  // with it.
  exitOnSignals();
  const orphaned = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", orphaned);
  child.once("exit", () => process.off("exit", orphaned));
  return { child, url: `http://127.0.0.1:${port}`, dir, startedAt };
}

let signalsHandled = false;
/** A signal then ends the process through its exit handlers, which a signal's death skips. */
function exitOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}

async function stopNode(n: Node): Promise<void> {
  await stopChild(n.child);
  await rm(n.dir, { recursive: true, force: true });
}

async function load(): Promise<LoadResult> {
  const node = await startNode(genesis(WALLETS));
  try {
    await firstBlock(node.url, 60_000);
    return await runLoad({ urls: [node.url], pids: [node.child.pid] });
  } finally {
    await stopNode(node);
  }
}

let loadRun: Promise<LoadResult> | null = null;
const loadOnce = () => {
  loadRun ??= load();
  return loadRun;
};

async function coldStart(): Promise<BenchResult> {
  const node = await startNode(genesis(10));
  try {
    await firstBlock(node.url, 60_000);
    return { value: Math.round(performance.now() - node.startedAt), unit: "ms" };
  } finally {
    await stopNode(node);
  }
}

async function rss100k(): Promise<BenchResult> {
  const node = await startNode(genesis(10, 100_000));
  try {
    await firstBlock(node.url, 120_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const status = await readFile(`/proc/${node.child.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { value: Math.round(kb / 1024), unit: "MiB", accounts: 100_010 };
  } finally {
    await stopNode(node);
  }
}

function latency(name: string, pick: (r: LoadResult) => number): Benchmark {
  return {
    name,
    run: async () => {
      const r = await loadOnce();
      return { value: pick(r), unit: "ms", samples: r.latencySamples };
    },
  };
}

export const benchmarks: Benchmark[] = withGramCode([
  {
    name: "chain.transfers_1node",
    run: async () => {
      const r = await loadOnce();
      return {
        value: r.tps,
        unit: "transfers/s",
        wallets: WALLETS,
        finals: r.finals,
        refused: r.refused,
        resent: r.resent,
        nodeCpuUsPerTransfer: r.nodeCpuUs,
        // Left out where the kernel keeps no scheduler times.
        ...(r.mainRunPct !== null ? { nodeMainThreadRunPct: r.mainRunPct } : {}),
        ...(r.mainWaitPct !== null ? { nodeMainThreadWaitPct: r.mainWaitPct } : {}),
        loadCpuUsPerTransfer: r.loadCpuUs,
        ...LOAD_FIELDS,
      };
    },
  },
  latency("chain.latency_p50_1node", (r) => r.p50),
  latency("chain.latency_p99_1node", (r) => r.p99),
  { name: "node.cold_start", run: coldStart },
  { name: "node.rss_100k_accounts", run: rss100k },
]);
