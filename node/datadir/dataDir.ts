// A node's data directory (chain §6.1): `genesis.json`, the validator key in `validator.json`
// and the network key in `node-key.json` (mode 0600), the node's settings in `node.json`, the
// LevelDB database in `db/` and the mempool's journal in `journal/`. Files are
// written whole (temp file + rename), so a kill never leaves half a key or half a genesis behind.

import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fromHex, toHex } from "../bytes/index.ts";
import { Chain, ChainError, type Genesis, genesisToJson, keySigner, parseGenesis } from "../chain/index.ts";
import { generateKeyPair, type KeyPair, keyPairFromSeed } from "../crypto/index.ts";
import { LevelStore } from "../store/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import type { NodeConfig } from "./nodeConfig.ts";

export const FILES = {
  genesis: "genesis.json",
  key: "validator.json",
  nodeKey: "node-key.json",
  config: "node.json",
  db: "db",
  journal: "journal",
} as const;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}

async function readSeed(path: string, what: string): Promise<Uint8Array> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ChainError("CHAIN_NOT_INITIALIZED", `cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
  const seed =
    typeof (doc as { seed?: unknown })?.seed === "string" ? fromHex((doc as { seed: string }).seed) : null;
  if (seed === null || seed.length !== 32)
    throw new ChainError("CHAIN_CORRUPT", `${path}: "seed" must be 64 hex digits`);
  return seed;
}

export async function readKey(dir: string): Promise<KeyPair> {
  return keyPairFromSeed(await readSeed(join(dir, FILES.key), "validator key"));
}

/**
 * The seed of the node's network identity (its libp2p key, separate from the validator key):
 * made on first use, so directories made before it get one, and kept so the peer id is stable.
 */
export async function readNodeKey(dir: string): Promise<Uint8Array> {
  const path = join(dir, FILES.nodeKey);
  if (!(await exists(path))) await writeNodeKey(dir, randomBytes(32));
  return readSeed(path, "network key");
}

export async function writeNodeKey(dir: string, seed: Uint8Array): Promise<void> {
  await writeFileAtomic(
    join(dir, FILES.nodeKey),
    `${JSON.stringify({ seed: toHex(seed) }, null, 2)}\n`,
    0o600,
  );
}

export async function writeNodeConfig(dir: string, config: NodeConfig): Promise<void> {
  await writeFileAtomic(join(dir, FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

export async function readGenesis(path: string): Promise<Genesis> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ChainError("GENESIS_INVALID", `cannot read genesis ${path}: ${(e as Error).message}`);
  }
  return parseGenesis(doc);
}

/** True when `dir` already holds an initialized node. */
export async function isInitialized(dir: string): Promise<boolean> {
  return (
    (await exists(join(dir, FILES.key))) &&
    (await exists(join(dir, FILES.genesis))) &&
    (await exists(join(dir, FILES.db)))
  );
}

/**
 * Makes a node's data directory: the key (given, or generated), the genesis file and block 0.
 * Refuses a directory that already holds a node.
 */
export async function initDataDir(
  dir: string,
  genesis: Genesis,
  key: KeyPair = generateKeyPair(),
): Promise<{ publicKey: Uint8Array }> {
  if (await exists(join(dir, FILES.db)))
    throw new ChainError("CHAIN_ALREADY_INITIALIZED", `${dir} already holds a node`);
  // Messages accepted on another chain would wait again, unchecked, on the new one.
  if (await exists(join(dir, FILES.journal)))
    throw new ChainError(
      "CHAIN_ALREADY_INITIALIZED",
      `${dir} holds the mempool journal of an earlier node; remove ${FILES.journal}/ to start a new chain there`,
    );
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    join(dir, FILES.key),
    `${JSON.stringify({ publicKey: toHex(key.publicKey), seed: toHex(key.secretKey) }, null, 2)}\n`,
    0o600,
  );
  await writeFileAtomic(join(dir, FILES.genesis), `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`);
  const store = await LevelStore.open(join(dir, FILES.db));
  try {
    await Chain.init(store, genesis, { host: createCachingHost(), signer: keySigner(key) });
  } finally {
    await store.close();
  }
  return { publicKey: key.publicKey };
}
