// The node's own settings (chain §6.1, consensus §4.4): where it listens, which peers it dials
// first and its consensus timeouts, in `node.json` beside the genesis. They are the operator's,
// not the protocol's: two nodes of one network may wait differently. A directory without the
// file runs with the defaults (a network of one), so directories made before it keep working.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ChainError } from "../chain/index.ts";

export interface NodeConfig {
  rpc: { host: string; port: number };
  /** Port 0 picks a free one; `bootstrap` lists the peers dialled first, as multiaddrs with their peer id. */
  p2p: { host: string; port: number; bootstrap: string[] };
  consensus: ConsensusConfig;
}

export interface ConsensusConfig {
  proposeMs: number;
  prevoteMs: number;
  precommitMs: number;
  /** Added to each timeout per round (consensus §4.4). */
  deltaMs: number;
  /** A round starts no sooner than this after the previous one started (chain §4.5). */
  minBlockIntervalMs: number;
  /** With nothing to do, an empty round after this long; below `proposeMs`, or idle rounds time out. */
  idleBlockIntervalMs: number;
  /** How often own votes of the current height are sent again (consensus §4.5). */
  resendMs: number;
  /**
   * The most messages of each chain a proposer puts in one round (chain §4.5), below the
   * protocol's maxBlockTransactions: past about a thousand, each transaction of a round costs more.
   */
  maxRoundMessages: number;
}

export const DEFAULT_CONSENSUS: ConsensusConfig = {
  proposeMs: 3_000,
  prevoteMs: 1_000,
  precommitMs: 1_000,
  deltaMs: 500,
  minBlockIntervalMs: 50,
  idleBlockIntervalMs: 1_000,
  resendMs: 1_000,
  maxRoundMessages: 1_000,
};

export function defaultNodeConfig(): NodeConfig {
  return {
    rpc: { host: "127.0.0.1", port: 8645 },
    p2p: { host: "127.0.0.1", port: 0, bootstrap: [] },
    consensus: { ...DEFAULT_CONSENSUS },
  };
}

const fail = (path: string, field: string, why: string): never => {
  throw new ChainError("CHAIN_CONFIG_INVALID", `${path}: ${field} ${why}`);
};

function record(
  v: unknown,
  path: string,
  field: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fail(path, field, "must be an object");
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(path, `${field}.${k}`, "is not a setting");
  return v as Record<string, unknown>;
}

function integer(v: unknown, path: string, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    return fail(path, field, `must be an integer from ${min} to ${max}`);
  return v;
}

function host(v: unknown, path: string, field: string): string {
  if (typeof v !== "string" || v.length === 0 || v.length > 255)
    return fail(path, field, "must be a host name or address");
  return v;
}

/** Checks a parsed `node.json`; absent settings take their defaults. */
export function parseNodeConfig(doc: unknown, path = "node.json"): NodeConfig {
  const c = defaultNodeConfig();
  const o = record(doc, path, "(root)", ["rpc", "p2p", "consensus"]);
  if (o.rpc !== undefined) {
    const r = record(o.rpc, path, "rpc", ["host", "port"]);
    if (r.host !== undefined) c.rpc.host = host(r.host, path, "rpc.host");
    if (r.port !== undefined) c.rpc.port = integer(r.port, path, "rpc.port", 0, 65_535);
  }
  if (o.p2p !== undefined) {
    const r = record(o.p2p, path, "p2p", ["host", "port", "bootstrap"]);
    if (r.host !== undefined) c.p2p.host = host(r.host, path, "p2p.host");
    if (r.port !== undefined) c.p2p.port = integer(r.port, path, "p2p.port", 0, 65_535);
    if (r.bootstrap !== undefined) {
      const list = r.bootstrap;
      if (!Array.isArray(list) || list.length > 256)
        fail(path, "p2p.bootstrap", "must be a list of at most 256 multiaddrs");
      c.p2p.bootstrap = (list as unknown[]).map((a, i) => {
        if (typeof a !== "string" || !/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d+\/p2p\/\w+$/.test(a))
          fail(path, `p2p.bootstrap[${i}]`, "must be a multiaddr like /ip4/127.0.0.1/tcp/9645/p2p/12D3Koo…");
        return a as string;
      });
    }
  }
  if (o.consensus !== undefined) {
    const keys = Object.keys(DEFAULT_CONSENSUS) as (keyof ConsensusConfig)[];
    const r = record(o.consensus, path, "consensus", keys);
    for (const k of keys)
      if (r[k] !== undefined) c.consensus[k] = integer(r[k], path, `consensus.${k}`, 1, 600_000);
  }
  if (c.consensus.idleBlockIntervalMs >= c.consensus.proposeMs)
    fail(path, "consensus.idleBlockIntervalMs", "must be below consensus.proposeMs, or idle rounds time out");
  return c;
}

export async function readNodeConfig(dir: string): Promise<NodeConfig> {
  const path = join(dir, "node.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return defaultNodeConfig();
    throw new ChainError("CHAIN_CONFIG_INVALID", `cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ChainError("CHAIN_CONFIG_INVALID", `${path} is not JSON: ${(e as Error).message}`);
  }
  return parseNodeConfig(doc, path);
}
