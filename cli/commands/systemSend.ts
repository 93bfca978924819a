// What the commands that send to the system contracts share (`gram stake`, `gram pool`, `gram
// propose` and `gram vote`; staking §3, §7, config §3): the RPC answers they read, the validator
// key they sign with, and how they follow a message they sent: polling until the contract shows
// it took it, or finding the bounce it sent back, with its exit code, in a sender's history.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { type KeyPair, keyPairFromSeed } from "../../node/crypto/index.ts";
import { BOUNCE_TAG, type LedgerAddress } from "../../node/ledger/index.ts";
import type { RpcClient } from "../../node/rpcclient/index.ts";
import { CliError, usageError } from "../errors.ts";
import { rawOf } from "./remote.ts";
import { type TxAnswer, timeoutOf } from "./walletSend.ts";

/** The file `gram node init` keeps the validator key in (chain §6.1). */
export const KEY_FILE = "validator.json";
const POLL_MS = 200;

// ---- The RPC answers these commands read (rpc §2.13–§2.15) ----

export interface MemberAnswer {
  publicKey: string;
  stake: string;
  weight: number;
  wallet: string | null;
  reward: string;
  fine: string;
}

export interface RoundAnswer {
  since: number;
  until: number;
  members: MemberAnswer[];
  removed: MemberAnswer[];
}

export interface ValidatorsAnswer {
  current: RoundAnswer | null;
  next: RoundAnswer | null;
}

export interface ElectionsAnswer {
  now: number;
  election: {
    electAt: number;
    closeAt: number;
    offers: { publicKey: string; stake: string; wallet: string }[];
  } | null;
  nextElectionAt: number;
  frozen: { releaseAt: number; round: RoundAnswer }[];
  held: string;
  pot: string;
  roundsPaid: number;
  lastReward: string;
  credit?: string;
}

export interface ConfigAnswer {
  hash: string;
  encoded: string;
  validators: { publicKey: string; stake: string }[];
  version: number;
  validatorsSince: number;
  validatorsUntil: number;
  params?: Record<string, string | number>;
}

/** A transaction as getTransactions gives it, with the inbound message's body (rpc §2.2, §3). */
export interface HistoryTx extends TxAnswer {
  inMsg: TxAnswer["inMsg"] & { bounced?: boolean; body?: unknown };
}

/** The node's parameters by name (rpc §2.2's `params`); an older node's answer has none. */
export function paramsOf(config: ConfigAnswer): Record<string, string | number> {
  if (config.params === undefined || typeof config.params !== "object")
    throw new CliError(
      "CLI_BAD_ANSWER",
      "the node's getConfig answer has no parameters by name; is it older than this gram?",
    );
  return config.params;
}

/** The network's genesis hash: what proofs of possession and votes are signed for. */
export async function genesisOf(client: RpcClient): Promise<Uint8Array> {
  const info = await client.call<{ genesis?: string }>("getChainInfo");
  const bytes = typeof info?.genesis === "string" ? fromHex(info.genesis) : null;
  if (bytes === null || bytes.length !== 32)
    throw new CliError("CLI_BAD_ANSWER", "the node's chain info has no genesis hash");
  return bytes;
}

// ---- The validator key ----

/**
 * The validator key at `path`: a key file (`{"seed": "<64 hex>"}`, as `gram node init` writes
 * `validator.json`) or a node's data directory holding one.
 */
export async function readValidatorKey(path: string): Promise<KeyPair> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, KEY_FILE);
  } catch (e) {
    throw usageError(`--validator-key ${path}: ${fsReason(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    if (file !== path && (e as NodeJS.ErrnoException).code === "ENOENT")
      throw usageError(
        `--validator-key ${path} is a directory without ${KEY_FILE}; give a node's data directory or its key file`,
      );
    if (e instanceof SyntaxError) throw usageError(`--validator-key ${file} is not a JSON key file`);
    throw usageError(`--validator-key ${file}: ${fsReason(e)}`);
  }
  const o = (typeof doc === "object" && doc !== null ? doc : {}) as { seed?: unknown; publicKey?: unknown };
  const seed = typeof o.seed === "string" ? fromHex(o.seed) : null;
  if (seed === null || seed.length !== 32)
    throw usageError(
      `--validator-key ${file} has no "seed" of 64 hex digits; give a node's data directory or its ${KEY_FILE}`,
    );
  const key = keyPairFromSeed(seed);
  if (typeof o.publicKey === "string" && o.publicKey.toLowerCase() !== toHex(key.publicKey))
    throw usageError(`--validator-key ${file}: its "publicKey" is not the key of its "seed"`);
  return key;
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return code ?? String((e as Error).message ?? e);
}

// ---- Following a message ----

/** `--timeout` as whole seconds, checked as every sending command checks it. */
export function sendTimeout(timeout: string): number {
  return timeoutOf({ wait: true, timeout });
}

/** Polls `check` until it answers, or fails with `late` once `deadline` (ms) has passed. */
export async function pollUntil<T>(
  deadline: number,
  late: () => string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new CliError("CLI_TIMEOUT", late());
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** A VM value in rpc §3's JSON as an integer, when it is an Int. */
export function intOf(value: unknown): bigint | null {
  const int = (value as { int?: unknown } | null | undefined)?.int;
  return typeof int === "string" ? BigInt(int) : null;
}

/** Item `i` of a Tuple in rpc §3's JSON, when it is an Int. */
export function intItem(body: unknown, i: number): bigint | null {
  const items = (body as { tuple?: unknown[] } | null)?.tuple;
  return Array.isArray(items) ? intOf(items[i]) : null;
}

/** The first item of a VM value in rpc §3's JSON, when it is a Tuple led by an Int. */
export const opOf = (body: unknown): bigint | null => intItem(body, 0);

/** The transactions of `address` after lt `afterLt`, oldest first. */
export async function historyAfter(
  client: RpcClient,
  address: LedgerAddress,
  afterLt: bigint,
): Promise<HistoryTx[]> {
  const list = await client.call<HistoryTx[]>("getTransactions", { address: rawOf(address), limit: 50 });
  return list.filter((tx) => BigInt(tx.lt) > afterLt).reverse();
}

/**
 * Whether `m` is a bounce from `from` of a message of operation `op` (the bounced body is
 * `[0xffffffff, original body, phase, exit code]`, ledger §6.6); its exit code when it is.
 */
export function bounceExit(m: HistoryTx["inMsg"], from: LedgerAddress, op: bigint): number | null {
  if (m.type !== "internal" || m.bounced !== true || m.src !== rawOf(from)) return null;
  if (opOf(m.body) !== BOUNCE_TAG) return null;
  if (opOf((m.body as { tuple: unknown[] }).tuple[1]) !== op) return null;
  return Number(intItem(m.body, 3) ?? -1);
}

/**
 * The exit code with which `from` bounced a message of operation `op` back to `sender` after lt
 * `afterLt`, or null when the sender's history shows no such bounce.
 */
export async function bounceFrom(
  client: RpcClient,
  sender: LedgerAddress,
  from: LedgerAddress,
  afterLt: bigint,
  op: bigint,
): Promise<number | null> {
  for (const tx of await historyAfter(client, sender, afterLt)) {
    const exit = bounceExit(tx.inMsg, from, op);
    if (exit !== null) return exit;
  }
  return null;
}

// ---- For people ----

/** A unix time for people: its UTC date and how far it is from `now`. */
export function timeText(at: number, now: number): string {
  const date = new Date(at * 1000).toISOString().replace(/\.000Z$/, "Z");
  const d = at - now;
  if (d === 0) return `${date} (now)`;
  return d > 0 ? `${date} (in ${spanText(d)})` : `${date} (${spanText(-d)} ago)`;
}

function spanText(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    if (rest >= size || (size === 1 && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
