// `gram testnet up`: a local network of node processes, its validators and its spares (nodes that
// follow the chain without voting, until they stake and win an election). A fresh directory gets a
// new network (layout.ts); one that holds a network carries on from it. Each node runs as its own
// `gram node start` process with its output in its node.log; this process watches them, records
// them in testnet.json, says when blocks are final and every spare follows them, and stops them
// all when asked.
import { resolve } from "node:path";
import { TestnetError } from "./errors.ts";
import { createNetwork, loopbackListen, type NetworkNode, openNetwork, removeNetwork } from "./layout.ts";
import { tailLines } from "./logs.ts";
import { readManifest, type TestnetManifest, withoutPids, writeManifest } from "./manifest.ts";
import {
  assertBasePort,
  assertBlockTimeMs,
  assertNodeCounts,
  DEFAULT_BASE_PORT,
  DEFAULT_SPARE,
  DEFAULT_VALIDATORS,
  nodesText,
} from "./options.ts";
import { isPortFree } from "./ports.ts";
import { isProcessOf, type NodeCommand, type Stopped, spawnLogged, stopProcesses } from "./processes.ts";
import { waitForHead, waitForNewBlock } from "./readiness.ts";
import { type NodeRole, roleOf, validatorSetAt } from "./roles.ts";

export interface TestnetUpOptions {
  dir: string;
  /** For a new network; a resumed one keeps the count on disk. */
  validators?: number;
  /** Nodes outside the genesis validator set, for a new network (none by default). */
  spare?: number;
  basePort?: number;
  blockTimeMs?: number;
  /** Remove the network in `dir` first and make a new one. */
  reset?: boolean;
  /** The command that runs one node from its data directory. */
  nodeCommand: (dataDir: string) => NodeCommand;
  /** How long to wait for the first final block, and every spare following it (60 s by default). */
  readyTimeoutMs?: number;
  /** How long a node has to stop on SIGTERM before SIGKILL (15 s by default). */
  stopTimeoutMs?: number;
  /** A node that exits after the network is up, by itself (not stopped by `stop`). */
  onNodeExit?: (exit: NodeExit) => void;
  /** Aborting it while the network starts stops the nodes started so far. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface NodeExit {
  index: number;
  /** What it was when it exited. */
  role: NodeRole;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A node as it runs. Its `role` is by the validator set in force once the network is up (node 0's
 * getConfig), and by the genesis's before that or when node 0 does not say.
 */
export interface RunningNodeProcess extends NetworkNode {
  pid: number;
}

export interface RunningTestnet {
  dir: string;
  fresh: boolean;
  nodes: RunningNodeProcess[];
  /** What of the options a resumed network could not follow, said in words. */
  notes: string[];
  /** Node 0's newest final masterchain block when the network was up. */
  masterchainSeqno: number;
  /** Resolves when every node has exited by itself. */
  allExited: Promise<void>;
  /** Stops every node still running and clears their pids from testnet.json. */
  stop(): Promise<(Stopped & { index: number })[]>;
}

/** How an exit reads in a message: "code 1" or "signal SIGKILL". */
export const exitText = (e: { code: number | null; signal: NodeJS.Signals | null }) =>
  e.signal !== null ? `signal ${e.signal}` : `code ${e.code}`;

/** Refuses to start a network in `dir` while processes it recorded still run. */
async function assertNotRunning(dir: string, manifest: TestnetManifest | null): Promise<void> {
  if (manifest === null) return;
  const live: number[] = [];
  if (manifest.supervisor !== null && (await isProcessOf(manifest.supervisor, ["testnet", "up"])))
    live.push(manifest.supervisor);
  for (const n of manifest.nodes)
    if (n.pid !== null && (await isProcessOf(n.pid, [n.dataDir]))) live.push(n.pid);
  if (live.length > 0)
    throw new TestnetError(
      "TESTNET_RUNNING",
      `a testnet already runs from ${dir} (pids ${live.join(", ")}); stop it first with 'gram testnet down --dir ${dir}'`,
    );
}

/** The addresses a network's nodes listen on, each checked free before any node starts. */
async function assertPortsFree(
  listens: readonly NetworkNode["listen"][],
  fresh: boolean,
  dir: string,
): Promise<void> {
  for (const [index, listen] of listens.entries())
    for (const [what, { host, port }] of [
      ["JSON-RPC", listen.rpc],
      ["p2p", listen.p2p],
    ] as const)
      if (port !== 0 && !(await isPortFree(port, host)))
        throw new TestnetError(
          "TESTNET_PORT_IN_USE",
          `port ${port} (node ${index}'s ${what}) is taken by another program or testnet; ${
            fresh
              ? "pass another --base-port"
              : `stop it, or change the ports in ${dir}/node-${index}/node.json`
          }`,
        );
}

const sparesText = (n: number) => `${n} spare${n === 1 ? "" : "s"}`;

async function prepare(
  dir: string,
  o: TestnetUpOptions,
): Promise<{ nodes: NetworkNode[]; fresh: boolean; notes: string[] }> {
  let manifest: TestnetManifest | null = null;
  try {
    manifest = await readManifest(dir);
  } catch (e) {
    if (!(o.reset === true && e instanceof TestnetError)) throw e;
  }
  await assertNotRunning(dir, manifest);
  if (o.reset === true) await removeNetwork(dir);
  const existing = await openNetwork(dir);
  if (existing === null) {
    const validators = o.validators ?? DEFAULT_VALIDATORS;
    const spare = o.spare ?? DEFAULT_SPARE;
    const basePort = o.basePort ?? DEFAULT_BASE_PORT;
    // Checked before the network is written, whose node.json files then hold these ports.
    await assertPortsFree(
      Array.from({ length: validators + spare }, (_, i) => loopbackListen(basePort, i)),
      true,
      dir,
    );
    const nodes = await createNetwork(dir, { validators, spare, basePort, blockTimeMs: o.blockTimeMs });
    return { nodes, fresh: true, notes: [] };
  }
  await assertPortsFree(
    existing.map((n) => n.listen),
    false,
    dir,
  );
  const notes: string[] = [];
  const validators = existing.filter((n) => n.role === "validator").length;
  const spare = existing.length - validators;
  if (o.validators !== undefined && o.validators !== validators)
    notes.push(
      `the network in ${dir} has ${nodesText(validators)}, not ${o.validators}: --validators counts only for a new one (--reset)`,
    );
  if (o.spare !== undefined && o.spare !== spare)
    notes.push(
      `the network in ${dir} has ${sparesText(spare)}, not ${o.spare}: --spare counts only for a new one (--reset)`,
    );
  if (o.basePort !== undefined && o.basePort !== existing[0].listen.rpc.port)
    notes.push(
      `the ports are those in each node's node.json; --base-port counts only for a new network (--reset)`,
    );
  if (o.blockTimeMs !== undefined)
    notes.push(
      `the block time is the one in each node's node.json; --block-time counts only for a new network (--reset)`,
    );
  return { nodes: existing, fresh: false, notes };
}

export async function testnetUp(options: TestnetUpOptions): Promise<RunningTestnet> {
  const counts = [options.validators ?? DEFAULT_VALIDATORS, options.spare ?? DEFAULT_SPARE] as const;
  assertNodeCounts(...counts);
  if (options.basePort !== undefined) assertBasePort(options.basePort, ...counts);
  if (options.blockTimeMs !== undefined) assertBlockTimeMs(options.blockTimeMs);
  const dir = resolve(options.dir);
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const { nodes, fresh, notes } = await prepare(dir, options);

  let up = false;
  let stopping = false;
  const exits = new Map<number, NodeExit>();
  let resolveAllExited: () => void = () => {};
  const allExited = new Promise<void>((r) => {
    resolveAllExited = r;
  });
  const running: RunningNodeProcess[] = [];
  const exited = (index: number, pid: number, code: number | null, signal: NodeJS.Signals | null) => {
    if (exits.has(index)) return;
    const exit: NodeExit = { index, role: running[index]?.role ?? nodes[index].role, pid, code, signal };
    exits.set(index, exit);
    if (up && !stopping) options.onNodeExit?.(exit);
    if (exits.size === nodes.length) resolveAllExited();
  };
  const manifest: TestnetManifest = {
    nodes: [],
    startedAt: new Date().toISOString(),
    supervisor: process.pid,
  };

  const stop = async () => {
    stopping = true;
    const live = running.filter((n) => !exits.has(n.index));
    const stopped = await stopProcesses(
      live.map((n) => n.pid),
      stopTimeoutMs,
    );
    await writeManifest(
      dir,
      withoutPids(manifest, new Set([process.pid, ...running.map((n) => n.pid)])),
    ).catch(() => {});
    return stopped.map((s, i) => ({ ...s, index: live[i].index }));
  };

  try {
    for (const node of nodes) {
      const child = spawnLogged(options.nodeCommand(node.dataDir), node.logFile, options.env);
      const pid = child.pid;
      if (pid === undefined) {
        // The spawn failed at once (no such program); 'error' says why.
        const err = await new Promise<Error>((r) => child.once("error", r));
        throw new TestnetError(
          "TESTNET_NODE_EXITED",
          `${node.role} ${node.index} did not start: ${err.message}`,
        );
      }
      child.once("exit", (code, signal) => exited(node.index, pid, code, signal));
      // Signalling a process that is gone is not an error worth crashing the others for.
      child.on("error", () => {});
      running.push({ ...node, pid });
    }
    manifest.nodes = running.map((n) => ({
      index: n.index,
      rpc: n.rpc,
      pid: n.pid,
      dataDir: n.dataDir,
      validatorKey: n.validatorKey,
    }));
    await writeManifest(dir, manifest);
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + readyTimeoutMs;
    const failure = async () => {
      const first = [...exits.values()][0];
      if (first === undefined) return null;
      const node = running[first.index];
      const last = (await tailLines(node.logFile, 1)).lines[0] ?? "(its log is empty)";
      return `${first.role} ${first.index} (pid ${first.pid}) exited with ${exitText(first)} before the network was up: ${last.slice(0, 500)}; see ${node.logFile} (a local testnet is disposable: --reset makes a new one)`;
    };
    const masterchainSeqno = await waitForNewBlock({
      rpc: running[0].rpc,
      timeoutMs: readyTimeoutMs,
      signal: options.signal,
      failure,
    });
    // The roles by the set in force, which elections change: on a resumed network a spare may
    // have become a validator. A node 0 that does not say leaves the genesis's.
    const inForce = await validatorSetAt(running[0].rpc, 2_000);
    if (inForce !== null) for (const n of running) n.role = roleOf(n.validatorKey, inForce);
    // A spare votes in no round, so node 0's block says nothing of it: it is up once it follows.
    for (const n of running)
      if (n.role === "spare")
        await waitForHead({
          rpc: n.rpc,
          seqno: masterchainSeqno,
          name: `spare ${n.index}`,
          timeoutMs: Math.max(0, deadline - Date.now()),
          signal: options.signal,
          failure,
        });
    up = true;
    return { dir, fresh, nodes: running, notes, masterchainSeqno, allExited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
