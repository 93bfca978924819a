// What `gram testnet status` and `gram testnet down` see of a network from another terminal: the
// processes testnet.json records, whether each still runs, how far each node's chain is, and
// whether each is a validator or a spare (by the set in force when a node answers, else by the
// genesis).
import { resolve } from "node:path";
import { TestnetError } from "./errors.ts";
import { readManifest, type TestnetManifest, withoutPids, writeManifest } from "./manifest.ts";
import { isProcessOf, type Stopped, stopProcesses } from "./processes.ts";
import { type ChainInfo, chainInfoOf } from "./readiness.ts";
import {
  genesisValidatorSet,
  type NodeRole,
  roleOf,
  type ValidatorSet,
  validatorKeyOf,
  validatorSetAt,
} from "./roles.ts";

export interface NodeStatus {
  index: number;
  rpc: string;
  pid: number | null;
  alive: boolean;
  dataDir: string;
  /** Its validator public key (hex); null when neither testnet.json nor its data directory says. */
  validatorKey: string | null;
  /**
   * Whether its key is in the validator set in force (as the furthest node that answers reports
   * it; the genesis's when none does); null when its key or the set is unknown.
   */
  role: NodeRole | null;
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
  const seen = await Promise.all(
    manifest.nodes.map(async (n) => {
      const [alive, info, validatorKey] = await Promise.all([
        nodeAlive(n),
        chainInfoOf(n.rpc, rpcTimeoutMs).catch(() => null),
        n.validatorKey ?? validatorKeyOf(n.dataDir).catch(() => null),
      ]);
      return { n, alive, info, validatorKey };
    }),
  );
  const set = await validatorSetOf(
    seen.map((s) => ({ rpc: s.n.rpc, info: s.info, dataDir: s.n.dataDir })),
    rpcTimeoutMs,
  );
  const nodes = seen.map(({ n, alive, info, validatorKey }): NodeStatus => {
    const status: NodeStatus = {
      index: n.index,
      rpc: n.rpc,
      pid: n.pid,
      alive,
      dataDir: n.dataDir,
      validatorKey,
      role: validatorKey === null || set === null ? null : roleOf(validatorKey, set),
      masterchainSeqno: info?.masterchain.seqno ?? null,
      masterchainHash: info?.masterchain.hash ?? null,
    };
    if (info?.peers !== undefined) status.peers = info.peers;
    return status;
  });
  return { dir, nodes };
}

/**
 * The validator set in force, as the node furthest along the chain reports it; the genesis's (in
 * the first data directory that holds one) when no node says; null when neither is there.
 */
async function validatorSetOf(
  nodes: { rpc: string; info: ChainInfo | null; dataDir: string }[],
  rpcTimeoutMs: number,
): Promise<ValidatorSet | null> {
  let furthest: { rpc: string; seqno: number } | null = null;
  for (const n of nodes)
    if (n.info !== null && (furthest === null || n.info.masterchain.seqno > furthest.seqno))
      furthest = { rpc: n.rpc, seqno: n.info.masterchain.seqno };
  const inForce = furthest === null ? null : await validatorSetAt(furthest.rpc, rpcTimeoutMs);
  if (inForce !== null) return inForce;
  for (const n of nodes) {
    const set = await genesisValidatorSet(n.dataDir).catch(() => null);
    if (set !== null) return set;
  }
  return null;
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
