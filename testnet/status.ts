// What `gram testnet status` and `gram testnet down` see of a network from another terminal: the
// processes testnet.json records, whether each still runs, and how far each node's chain is.
import { resolve } from "node:path";
import { TestnetError } from "./errors.ts";
import { readManifest, type TestnetManifest, withoutPids, writeManifest } from "./manifest.ts";
import { isProcessOf, type Stopped, stopProcesses } from "./processes.ts";
import { chainInfoOf } from "./readiness.ts";

export interface NodeStatus {
  index: number;
  rpc: string;
  pid: number | null;
  alive: boolean;
  dataDir: string;
  /** null when its RPC does not answer. */
  masterchainSeqno: number | null;
  masterchainHash: string | null;
  /** What the node reports of its peers, when it reports them. */
  peers?: unknown;
}

/** The manifest of the testnet in `dirPath`, or TESTNET_NOT_FOUND saying how to start one. */
export async function requireManifest(dirPath: string): Promise<{ dir: string; manifest: TestnetManifest }> {
  const dir = resolve(dirPath);
  const manifest = await readManifest(dir);
  if (manifest === null)
    throw new TestnetError(
      "TESTNET_NOT_FOUND",
      `no testnet was started in ${dir}; start one with 'gram testnet up'`,
    );
  return { dir, manifest };
}

const nodeAlive = (n: { pid: number | null; dataDir: string }) =>
  n.pid === null ? Promise.resolve(false) : isProcessOf(n.pid, [n.dataDir]);

export async function testnetStatus(
  dirPath: string,
  rpcTimeoutMs = 2_000,
): Promise<{ dir: string; nodes: NodeStatus[] }> {
  const { dir, manifest } = await requireManifest(dirPath);
  const nodes = await Promise.all(
    manifest.nodes.map(async (n): Promise<NodeStatus> => {
      const [alive, info] = await Promise.all([
        nodeAlive(n),
        chainInfoOf(n.rpc, rpcTimeoutMs).catch(() => null),
      ]);
      const status: NodeStatus = {
        index: n.index,
        rpc: n.rpc,
        pid: n.pid,
        alive,
        dataDir: n.dataDir,
        masterchainSeqno: info?.masterchain.seqno ?? null,
        masterchainHash: info?.masterchain.hash ?? null,
      };
      if (info?.peers !== undefined) status.peers = info.peers;
      return status;
    }),
  );
  return { dir, nodes };
}

export interface DownResult {
  dir: string;
  /** `gram testnet up`, when it was still running. */
  supervisor: Stopped | null;
  nodes: (Stopped & { index: number })[];
}

/**
 * Stops what testnet.json records as running: the `gram testnet up` process first (it stops its
 * nodes itself), then any node still running (one left behind by a supervisor that was killed).
 */
export async function testnetDown(dirPath: string, timeoutMs = 15_000): Promise<DownResult> {
  const { dir, manifest } = await requireManifest(dirPath);
  let supervisor: Stopped | null = null;
  if (manifest.supervisor !== null && (await isProcessOf(manifest.supervisor, ["testnet", "up"])))
    [supervisor] = await stopProcesses([manifest.supervisor], timeoutMs + 5_000);
  // Read again: a supervisor that stopped cleanly cleared its nodes' pids.
  const now = (await readManifest(dir)) ?? manifest;
  const live: { index: number; pid: number }[] = [];
  for (const n of now.nodes)
    if (n.pid !== null && (await nodeAlive(n))) live.push({ index: n.index, pid: n.pid });
  const stopped = await stopProcesses(
    live.map((n) => n.pid),
    timeoutMs,
  );
  const cleared = new Set([
    ...now.nodes.flatMap((n) => (n.pid === null ? [] : [n.pid])),
    ...(now.supervisor === null ? [] : [now.supervisor]),
  ]);
  await writeManifest(dir, withoutPids(now, cleared));
  return { dir, supervisor, nodes: stopped.map((s, i) => ({ ...s, index: live[i].index })) };
}
