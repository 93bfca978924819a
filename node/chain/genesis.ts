// The genesis file (chain §5): the network's name and start time, its config, and the accounts
// that exist from block 0 — plain balances and pre-deployed standard wallets. It is JSON that a
// person writes or `gram testnet up` generates, so every field is checked with a message that
// names it before anything is built from it.
import { parseAddress } from "../address/index.ts";
import { fromHex, toHex } from "../bytes/index.ts";
import { decode, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import type { Account, Fees, LedgerAddress } from "../ledger/index.ts";
import { walletAddress, walletStateInit } from "../wallet/index.ts";
import { MAX_BLOCK_TRANSACTIONS } from "./block.ts";
import type { ChainConfig, Validator } from "./config.ts";
import { ChainError } from "./errors.ts";
import type { AccountWrite } from "./shardStore.ts";

export const WORKCHAINS = [-1n, 0n] as const;
const U64_MAX = (1n << 64n) - 1n;

export interface GenesisAccount {
  address: LedgerAddress;
  balance: bigint;
  /** A standard wallet deployed at genesis (its address is the wallet's). */
  wallet: { publicKey: Uint8Array; subwalletId: bigint } | null;
}

export interface Genesis {
  network: string;
  /** Unix seconds of block 0. */
  time: bigint;
  config: ChainConfig;
  accounts: GenesisAccount[];
}

function fail(path: string, message: string): never {
  throw new ChainError("GENESIS_INVALID", `genesis ${path}: ${message}`);
}

function object(
  v: unknown,
  path: string,
  keys: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "must be an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!keys.includes(k) && !optional.includes(k)) fail(`${path}.${k}`, "is not a known field");
  for (const k of keys) if (!(k in o)) fail(`${path}.${k}`, "is missing");
  return o;
}

function amount(v: unknown, path: string, max = U64_MAX): bigint {
  const text = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof text !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(text))
    fail(path, "must be a non-negative integer (a decimal string)");
  const n = BigInt(text);
  if (n > max) fail(path, `must be at most ${max}`);
  return n;
}

function hex32(v: unknown, path: string): Uint8Array {
  const bytes = typeof v === "string" ? fromHex(v) : null;
  if (bytes === null || bytes.length !== 32) fail(path, "must be 64 hex digits");
  return bytes;
}

const FEE_FIELDS = [
  "gasPrice",
  "gasLimit",
  "gasCredit",
  "storagePrice",
  "fwdLump",
  "fwdBytePrice",
  "freezeDue",
  "deleteDue",
] as const;

function parseFees(v: unknown, path: string): Fees {
  const o = object(v, path, FEE_FIELDS);
  const fees = {} as Record<(typeof FEE_FIELDS)[number], bigint>;
  for (const k of FEE_FIELDS) fees[k] = amount(o[k], `${path}.${k}`);
  if (fees.gasCredit > fees.gasLimit) fail(`${path}.gasCredit`, "must not exceed gasLimit");
  return fees;
}

function parseConfig(v: unknown): ChainConfig {
  const o = object(v, "config", ["fees", "maxBlockTransactions", "getMethodGasLimit", "validators"]);
  const maxTx = amount(o.maxBlockTransactions, "config.maxBlockTransactions", BigInt(MAX_BLOCK_TRANSACTIONS));
  if (maxTx < 1n) fail("config.maxBlockTransactions", "must be at least 1");
  if (!Array.isArray(o.validators) || o.validators.length === 0)
    fail("config.validators", "must be a non-empty list");
  const validators: Validator[] = o.validators.map((x, i) => {
    const vo = object(x, `config.validators[${i}]`, ["publicKey", "stake"]);
    const stake = amount(vo.stake, `config.validators[${i}].stake`);
    if (stake === 0n) fail(`config.validators[${i}].stake`, "must be positive");
    return { publicKey: hex32(vo.publicKey, `config.validators[${i}].publicKey`), stake };
  });
  const keys = new Set(validators.map((x) => toHex(x.publicKey)));
  if (keys.size !== validators.length) fail("config.validators", "lists a key twice");
  return {
    fees: parseFees(o.fees, "config.fees"),
    maxBlockTransactions: Number(maxTx),
    getMethodGasLimit: amount(o.getMethodGasLimit, "config.getMethodGasLimit"),
    validators,
  };
}

function parseAccount(v: unknown, i: number): GenesisAccount {
  const path = `accounts[${i}]`;
  const o = v as Record<string, unknown>;
  if (typeof v === "object" && v !== null && "wallet" in o) {
    const a = object(v, path, ["wallet", "balance"], ["workchain"]);
    const w = object(a.wallet, `${path}.wallet`, ["publicKey", "subwalletId"]);
    const subwalletId = amount(w.subwalletId, `${path}.wallet.subwalletId`, 0xffff_ffffn);
    const publicKey = hex32(w.publicKey, `${path}.wallet.publicKey`);
    const workchain = a.workchain === undefined ? 0n : workchainOf(a.workchain, `${path}.workchain`);
    return {
      address: walletAddress(publicKey, subwalletId, workchain),
      balance: amount(a.balance, `${path}.balance`),
      wallet: { publicKey, subwalletId },
    };
  }
  const a = object(v, path, ["address", "balance"]);
  if (typeof a.address !== "string") fail(`${path}.address`, "must be an address string");
  let parsed: ReturnType<typeof parseAddress>;
  try {
    parsed = parseAddress(a.address);
  } catch (e) {
    fail(`${path}.address`, (e as Error).message);
  }
  const balance = amount(a.balance, `${path}.balance`);
  // An account without code exists only by what it holds (ledger §3): an empty one is no account.
  if (balance === 0n) fail(`${path}.balance`, "must be positive for an account without code");
  return {
    address: { workchain: BigInt(parsed.address.workchain), id: parsed.address.hash },
    balance,
    wallet: null,
  };
}

function workchainOf(v: unknown, path: string): bigint {
  if (v !== -1 && v !== 0) fail(path, "must be -1 (masterchain) or 0 (basechain)");
  return BigInt(v);
}

/** Checks a parsed genesis JSON document and returns it typed; throws GENESIS_INVALID naming the field. */
export function parseGenesis(json: unknown): Genesis {
  const o = object(json, "(root)", ["network", "time", "config", "accounts"]);
  if (typeof o.network !== "string" || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(o.network))
    fail("network", "must be 1–64 characters of a-z, 0-9, '.', '_' and '-'");
  const time = amount(o.time, "time", 0xffff_ffffn);
  const config = parseConfig(o.config);
  if (!Array.isArray(o.accounts)) fail("accounts", "must be a list");
  const accounts = o.accounts.map(parseAccount);
  const seen = new Set<string>();
  let supply = 0n;
  for (const [i, a] of accounts.entries()) {
    if (!WORKCHAINS.includes(a.address.workchain as -1n | 0n))
      fail(`accounts[${i}]`, "lives in an unknown workchain");
    const key = `${a.address.workchain}:${toHex(a.address.id)}`;
    if (seen.has(key)) fail(`accounts[${i}]`, `repeats the address ${key}`);
    seen.add(key);
    supply += a.balance;
  }
  if (supply > U64_MAX) fail("accounts", "hold more than 2^64-1 nanograms in all");
  return { network: o.network, time, config, accounts };
}

/** The account writes that make `workchain`'s state at block 0. */
export function genesisWrites(genesis: Genesis, workchain: bigint): AccountWrite[] {
  return genesis.accounts
    .filter((a) => a.address.workchain === workchain)
    .map((a): AccountWrite => {
      const base: Account = {
        balance: a.balance,
        status: { kind: "uninit" },
        storageBytes: 0,
        lastPaid: genesis.time,
        storageDue: 0n,
        lastLt: 0n,
        lastTxHash: new Uint8Array(32),
      };
      if (a.wallet === null)
        return { address: a.address, before: null, account: base, code: null, storage: [] };
      const init = walletStateInit(a.wallet.publicKey, a.wallet.subwalletId);
      return {
        address: a.address,
        before: null,
        account: {
          ...base,
          status: { kind: "active", codeHash: sha256(init.code), storageRoot: new Uint8Array(32) },
        },
        code: init.code,
        storage: init.data.map(([key, value]) => ({ key, value: decode(t.vmValue, value) })),
      };
    });
}

/** Genesis as JSON again (amounts as decimal strings), for `gram testnet up` to write. */
export function genesisToJson(g: Genesis): unknown {
  const fees = Object.fromEntries(Object.entries(g.config.fees).map(([k, v]) => [k, String(v)]));
  return {
    network: g.network,
    time: String(g.time),
    config: {
      fees,
      maxBlockTransactions: g.config.maxBlockTransactions,
      getMethodGasLimit: String(g.config.getMethodGasLimit),
      validators: g.config.validators.map((v) => ({ publicKey: toHex(v.publicKey), stake: String(v.stake) })),
    },
    accounts: g.accounts.map((a) =>
      a.wallet === null
        ? { address: `${a.address.workchain}:${toHex(a.address.id)}`, balance: String(a.balance) }
        : {
            wallet: { publicKey: toHex(a.wallet.publicKey), subwalletId: String(a.wallet.subwalletId) },
            workchain: Number(a.address.workchain),
            balance: String(a.balance),
          },
    ),
  };
}
