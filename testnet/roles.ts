// Which nodes of a network validate: a node is a validator while its validator key is in the set in
// force (what a node's getConfig reports), and a spare otherwise — a full node that follows the
// chain without voting, until it stakes and wins an election. Before any node answers, the set is
// the genesis's.
import { join } from "node:path";
import { toHex } from "../node/bytes/index.ts";
import { RpcClient } from "../node/rpcclient/index.ts";

export type NodeRole = "validator" | "spare";

/** Validator public keys, lower-case hex. */
export type ValidatorSet = ReadonlySet<string>;

export const roleOf = (validatorKey: string, set: ValidatorSet): NodeRole =>
  set.has(validatorKey.toLowerCase()) ? "validator" : "spare";

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** The `validators` of a getConfig answer as a set, or null when it is not such a list. */
export function validatorSetFrom(config: unknown): ValidatorSet | null {
  const list = (config as { validators?: unknown } | null)?.validators;
  if (!Array.isArray(list) || list.length === 0) return null;
  const keys = list.map((v) => (v as { publicKey?: unknown } | null)?.publicKey);
  if (!keys.every((k): k is string => typeof k === "string" && HEX_KEY.test(k))) return null;
  return new Set(keys.map((k) => k.toLowerCase()));
}

/**
 * The validator set in force as the node at `rpc` sees it, or null when it does not answer or
 * answers something else (a node of an older Gram, a stand-in).
 */
export async function validatorSetAt(rpc: string, timeoutMs: number): Promise<ValidatorSet | null> {
  try {
    return validatorSetFrom(await new RpcClient(rpc, { timeoutMs }).call<unknown>("getConfig"));
  } catch {
    // Not listening, gone, or an RPC error (no such method): the caller falls back to the genesis's.
    return null;
  }
}

/** The genesis's validator set, from the data directory of any node (they share one genesis). */
export async function genesisValidatorSet(dataDir: string): Promise<ValidatorSet> {
  // Loaded here, not for every gram command: the data directory's module opens the chain's store.
  const { FILES, readGenesis } = await import("../node/datadir/index.ts");
  const genesis = await readGenesis(join(dataDir, FILES.genesis));
  return new Set(genesis.config.validators.map((v) => toHex(v.publicKey).toLowerCase()));
}

/** A node's validator public key (hex), from `validator.json` in its data directory. */
export async function validatorKeyOf(dataDir: string): Promise<string> {
  const { readKey } = await import("../node/datadir/index.ts");
  return toHex((await readKey(dataDir)).publicKey);
}
