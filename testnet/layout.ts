// A network on disk: one data directory per node, `DIR/node-<i>`, all from one genesis, each with
// its own validator key, network key and `node.json` (its ports, the others as bootstrap peers,
// the consensus timeouts). The genesis names the keys of the first nodes, the validators; the
// nodes after them are spares, which follow the chain until they stake and win an election. A new
// network is built aside and moved into place, so a kill halfway never leaves a network with some
// of its nodes missing.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { toHex } from "../node/bytes/index.ts";
import { generateKeyPair } from "../node/crypto/index.ts";
import { TestnetError } from "./errors.ts";
import { testnetGenesis } from "./genesis.ts";
import { MANIFEST_FILE } from "./manifest.ts";
import { assertBasePort, assertBlockTimeMs, portsOf } from "./options.ts";
import { type NodeRole, roleOf } from "./roles.ts";

export const LOG_FILE = "node.log";

export const nodeDirName = (index: number) => `node-${index}`;

export interface Endpoint {
  host: string;
  port: number;
}

export interface NetworkNode {
  index: number;
  dataDir: string;
  /** The URL of its JSON-RPC server. */
  rpc: string;
  logFile: string;
  /** What it listens on, from its node.json. */
  listen: { rpc: Endpoint; p2p: Endpoint };
  /** Its validator public key (hex), from its validator.json. */
  validatorKey: string;
  /** Whether the genesis names its key: a validator, or a spare that follows the chain. */
  role: NodeRole;
}

export interface NewNetworkOptions {
  validators: number;
  /** Nodes outside the genesis validator set, after the validators (none by default). */
  spare?: number;
  basePort: number;
  /** The consensus's minBlockIntervalMs; the node's default when left out. */
  blockTimeMs?: number;
  /** Unix seconds of the genesis; now by default. */
  time?: bigint;
}

/** The files a one-node testnet of an older Gram kept directly in DIR. */
const OLD_LAYOUT = [
  "genesis.json",
  "validator.json",
  "node-key.json",
  "node.json",
  "db",
  "journal",
  LOG_FILE,
];

/** Where a client reaches a server listening on `host`: a wildcard address is reached on loopback. */
export function rpcUrlOf(rpc: Endpoint): string {
  const host = rpc.host === "0.0.0.0" ? "127.0.0.1" : rpc.host === "::" ? "::1" : rpc.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${rpc.port}`;
}

const nodeOf = (
  dir: string,
  index: number,
  listen: NetworkNode["listen"],
  validatorKey: string,
  role: NodeRole,
): NetworkNode => {
  const dataDir = join(dir, nodeDirName(index));
  return {
    index,
    dataDir,
    rpc: rpcUrlOf(listen.rpc),
    logFile: join(dataDir, LOG_FILE),
    listen,
    validatorKey,
    role,
  };
};

/** What node `index` of a new network listens on: loopback, its ports from the base. */
export function loopbackListen(basePort: number, index: number): NetworkNode["listen"] {
  const { rpc, p2p } = portsOf(basePort, index);
  return { rpc: { host: "127.0.0.1", port: rpc }, p2p: { host: "127.0.0.1", port: p2p } };
}

/**
 * Makes a new network in `dir`, which must hold none: `validators` nodes whose keys the genesis
 * names, then `spare` nodes with keys of their own that it does not.
 */
export async function createNetwork(dirPath: string, options: NewNetworkOptions): Promise<NetworkNode[]> {
  const { validators, basePort, blockTimeMs } = options;
  const spare = options.spare ?? 0;
  assertBasePort(basePort, validators, spare);
  const count = validators + spare;
  if (blockTimeMs !== undefined) assertBlockTimeMs(blockTimeMs);
  const dir = resolve(dirPath);
  // Loaded here, not for every gram command: the chain and its store, and libp2p for the peer ids.
  const [datadir, { peerIdOf }] = await Promise.all([
    import("../node/datadir/index.ts"),
    import("../node/p2p/index.ts"),
  ]);
  const keys = Array.from({ length: count }, () => generateKeyPair());
  const seeds = Array.from({ length: count }, () => new Uint8Array(randomBytes(32)));
  const addrs = seeds.map((s, i) => `/ip4/127.0.0.1/tcp/${portsOf(basePort, i).p2p}/p2p/${peerIdOf(s)}`);
  const genesis = testnetGenesis(
    keys.slice(0, validators).map((k) => k.publicKey),
    options.time ?? BigInt(Math.floor(Date.now() / 1000)),
  );
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stage = join(dir, `.new-${process.pid}`);
  await rm(stage, { recursive: true, force: true });
  try {
    const nodeDirs = keys.map((_, i) => join(stage, nodeDirName(i)));
    const defaults = datadir.defaultNodeConfig();
    // All at once: each directory's database is written while the others' wait on the disk.
    await Promise.all(
      nodeDirs.map(async (nodeDir, i) => {
        await datadir.initDataDir(nodeDir, genesis, keys[i]);
        await datadir.writeNodeKey(nodeDir, seeds[i]);
        const { rpc, p2p } = loopbackListen(basePort, i);
        await datadir.writeNodeConfig(nodeDir, {
          rpc,
          p2p: { ...p2p, bootstrap: addrs.filter((_, j) => j !== i) },
          consensus: {
            ...defaults.consensus,
            minBlockIntervalMs: blockTimeMs ?? defaults.consensus.minBlockIntervalMs,
          },
        });
      }),
    );
    for (let i = 0; i < count; i++) await rename(nodeDirs[i], join(dir, nodeDirName(i)));
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return keys.map((k, i) =>
    nodeOf(dir, i, loopbackListen(basePort, i), toHex(k.publicKey), i < validators ? "validator" : "spare"),
  );
}

/** The indexes of the `node-<i>` directories in `dir`, sorted. */
async function nodeIndexes(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return names
    .map((n) => /^node-(0|[1-9][0-9]*)$/.exec(n)?.[1])
    .filter((n) => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The network already in `dir`, as it is on disk, or null when there is none. A network with
 * gaps, a node not initialized, or fewer nodes holding keys than its genesis names validators is
 * refused. The nodes whose keys the genesis does not name are its spares.
 */
export async function openNetwork(dirPath: string): Promise<NetworkNode[] | null> {
  const dir = resolve(dirPath);
  const datadir = await import("../node/datadir/index.ts");
  const indexes = await nodeIndexes(dir);
  if (indexes.length === 0) {
    if (await datadir.isInitialized(dir))
      throw new TestnetError(
        "TESTNET_OLD_LAYOUT",
        `${dir} holds a one-node testnet of an older Gram; pass --reset to replace it with a new network, or another --dir`,
      );
    return null;
  }
  const incomplete = (why: string) =>
    new TestnetError(
      "TESTNET_INCOMPLETE",
      `${dir} does not hold a whole testnet: ${why}; pass --reset to make a new one`,
    );
  const dirs: { dataDir: string; listen: NetworkNode["listen"]; validatorKey: string }[] = [];
  for (const [i, index] of indexes.entries()) {
    if (index !== i) throw incomplete(`${nodeDirName(i)} is missing`);
    const dataDir = join(dir, nodeDirName(i));
    if (!(await datadir.isInitialized(dataDir))) throw incomplete(`${nodeDirName(i)} is not initialized`);
    const config = await datadir.readNodeConfig(dataDir);
    const validatorKey = toHex((await datadir.readKey(dataDir)).publicKey);
    dirs.push({
      dataDir,
      listen: { rpc: config.rpc, p2p: { host: config.p2p.host, port: config.p2p.port } },
      validatorKey,
    });
  }
  const genesis = await datadir.readGenesis(join(dirs[0].dataDir, datadir.FILES.genesis));
  const named = genesis.config.validators.length;
  if (named > dirs.length)
    throw incomplete(`its genesis names ${named} validators, and ${dirs.length} node directories are there`);
  const set = new Set(genesis.config.validators.map((v) => toHex(v.publicKey)));
  const nodes = dirs.map((d, i) => nodeOf(dir, i, d.listen, d.validatorKey, roleOf(d.validatorKey, set)));
  const held = nodes.filter((n) => n.role === "validator").length;
  if (held < named)
    throw incomplete(
      `its genesis names ${named} validators, and only ${held} of its ${nodes.length} node directories hold their keys`,
    );
  return nodes;
}

/** Removes the network in `dir` (node directories, manifest, an older Gram's one-node files). */
export async function removeNetwork(dirPath: string): Promise<void> {
  const dir = resolve(dirPath);
  for (const i of await nodeIndexes(dir))
    await rm(join(dir, nodeDirName(i)), { recursive: true, force: true });
  const stale = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^\.new-[0-9]+$/.test(n));
  for (const name of [MANIFEST_FILE, ...OLD_LAYOUT, ...stale])
    await rm(join(dir, name), { recursive: true, force: true });
}
