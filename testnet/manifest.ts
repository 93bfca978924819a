// `testnet.json`: which processes run a network, so `status`, `logs` and `down` can find them
// from another terminal. It is written whole (temp file + rename): a reader never sees half of it.
// A node's validator key came later: a file without it still reads, and its readers then take the
// key from the node's data directory.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TestnetError } from "./errors.ts";

export const MANIFEST_FILE = "testnet.json";

export interface ManifestNode {
  index: number;
  rpc: string;
  /** null once the process was stopped. */
  pid: number | null;
  dataDir: string;
  /** Its validator public key (hex); absent in the files of an older Gram. */
  validatorKey?: string;
}

export interface TestnetManifest {
  nodes: ManifestNode[];
  /** ISO 8601. */
  startedAt: string;
  /** The `gram testnet up` process that watches the nodes; null once it stopped. */
  supervisor: number | null;
}

const bad = (path: string, why: string): never => {
  throw new TestnetError(
    "TESTNET_BAD_MANIFEST",
    `${path}: ${why}; 'gram testnet up --reset' makes a new network`,
  );
};

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

const isPid = (v: unknown): v is number | null =>
  v === null || (typeof v === "number" && Number.isInteger(v) && v > 0);

/** Checks a parsed testnet.json. */
export function parseManifest(doc: unknown, path = MANIFEST_FILE): TestnetManifest {
  if (typeof doc !== "object" || doc === null) return bad(path, "not an object");
  const o = doc as Record<string, unknown>;
  if (!Array.isArray(o.nodes)) return bad(path, '"nodes" must be a list');
  if (typeof o.startedAt !== "string") return bad(path, '"startedAt" must be a string');
  const supervisor = o.supervisor ?? null;
  if (!isPid(supervisor)) return bad(path, '"supervisor" must be a process id or null');
  const nodes = o.nodes.map((n: unknown, i): ManifestNode => {
    const x = (typeof n === "object" && n !== null ? n : {}) as Record<string, unknown>;
    if (x.index !== i) bad(path, `nodes[${i}].index must be ${i}`);
    if (typeof x.rpc !== "string") bad(path, `nodes[${i}].rpc must be a URL`);
    if (!isPid(x.pid)) bad(path, `nodes[${i}].pid must be a process id or null`);
    if (typeof x.dataDir !== "string") bad(path, `nodes[${i}].dataDir must be a path`);
    if (x.validatorKey !== undefined && !(typeof x.validatorKey === "string" && HEX_KEY.test(x.validatorKey)))
      bad(path, `nodes[${i}].validatorKey must be 64 hex digits`);
    const node: ManifestNode = {
      index: i,
      rpc: x.rpc as string,
      pid: x.pid as number | null,
      dataDir: x.dataDir as string,
    };
    if (x.validatorKey !== undefined) node.validatorKey = (x.validatorKey as string).toLowerCase();
    return node;
  });
  return { nodes, startedAt: o.startedAt, supervisor };
}

/** The manifest of the network in `dir`, or null when none was ever started there. */
export async function readManifest(dir: string): Promise<TestnetManifest | null> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return bad(path, `not JSON (${(e as Error).message})`);
  }
  return parseManifest(doc, path);
}

export async function writeManifest(dir: string, manifest: TestnetManifest): Promise<void> {
  const path = join(dir, MANIFEST_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, path);
}

/** The manifest as it is after the processes in `pids` stopped. */
export function withoutPids(m: TestnetManifest, pids: ReadonlySet<number>): TestnetManifest {
  return {
    ...m,
    supervisor: m.supervisor !== null && pids.has(m.supervisor) ? null : m.supervisor,
    nodes: m.nodes.map((n) => (n.pid !== null && pids.has(n.pid) ? { ...n, pid: null } : n)),
  };
}
