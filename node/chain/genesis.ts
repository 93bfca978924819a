// The genesis file (chain §5): the network's name and start time, its config, and the accounts
// that exist from block 0 — plain balances and pre-deployed standard wallets. It is JSON that a
// person writes or `gram testnet up` generates, so every field is checked with a message that
// names it before anything is built from it.

import { EMPTY_STORAGE } from "../../vm/index.ts";
import { parseAddress } from "../address/index.ts";
import { compareBytes, fromHex, toHex } from "../bytes/index.ts";
import { decode, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import type { Account, Fees, LedgerAddress } from "../ledger/index.ts";
import {
  CONFIG_ADDRESS,
  CONFIG_KEYS,
  type ConfigParams,
  ConfigVersion,
  DEFAULT_GOVERNANCE,
  ELECTOR_ADDRESS,
  ELECTOR_KEYS,
  ElectorBook,
  isSystemAccount,
  nativeCode,
  PARAMS,
  paramJson,
  paramSpec,
  paramsError,
  Storage,
  ValidatorRound,
  withParam,
} from "../system/index.ts";
import { walletAddress, walletStateInit } from "../wallet/index.ts";
import { MAX_BLOCK_TRANSACTIONS } from "./block.ts";
import { type ChainConfig, chainConfigOf, type Validator } from "./config.ts";
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

/** The parameters in force at block 0 and the validators of the first round (staking §2.2). */
export type GenesisConfig = ConfigParams & { validators: Validator[] };

export interface Genesis {
  network: string;
  /** Unix seconds of block 0. */
  time: bigint;
  config: GenesisConfig;
  accounts: GenesisAccount[];
}

/** The sections a genesis may leave out, each then as DEFAULT_GOVERNANCE (config §2). */
const GOVERNANCE_SECTIONS = Object.keys(DEFAULT_GOVERNANCE);

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

/** The governance sections given, as dotted parameter names, over the defaults. */
function parseGovernance(o: Record<string, unknown>, base: ConfigParams): ConfigParams {
  let params = base;
  const walk = (v: unknown, path: string): void => {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      return;
    }
    const spec = paramSpec(path);
    if (spec === null) fail(`config.${path}`, "is not a known parameter");
    const n = amount(v, `config.${path}`, spec.max);
    if (n < spec.min) fail(`config.${path}`, `must be at least ${spec.min}`);
    params = withParam(params, path, n);
  };
  for (const section of GOVERNANCE_SECTIONS) if (section in o) walk(o[section], section);
  return params;
}

function parseConfig(v: unknown): GenesisConfig {
  const o = object(
    v,
    "config",
    ["fees", "maxBlockTransactions", "getMethodGasLimit", "validators"],
    GOVERNANCE_SECTIONS,
  );
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
  const params = parseGovernance(o, {
    fees: parseFees(o.fees, "config.fees"),
    maxBlockTransactions: Number(maxTx),
    getMethodGasLimit: amount(o.getMethodGasLimit, "config.getMethodGasLimit"),
    ...DEFAULT_GOVERNANCE,
  });
  const why = paramsError(params);
  if (why !== null) fail("config", why);
  return { ...params, validators };
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
    if (isSystemAccount(a.address)) fail(`accounts[${i}]`, `${key} is a system contract's address`);
    if (seen.has(key)) fail(`accounts[${i}]`, `repeats the address ${key}`);
    seen.add(key);
    supply += a.balance;
  }
  if (supply > U64_MAX) fail("accounts", "hold more than 2^64-1 nanograms in all");
  return { network: o.network, time, config, accounts };
}

/** The account writes that make `workchain`'s state at block 0. */
export function genesisWrites(genesis: Genesis, workchain: bigint): AccountWrite[] {
  const accounts = genesis.accounts
    .filter((a) => a.address.workchain === workchain)
    .map((a): AccountWrite => {
      if (a.wallet === null) return genesisAccount(genesis, a.address, a.balance, null, []);
      const init = walletStateInit(a.wallet.publicKey, a.wallet.subwalletId);
      const storage = init.data.map(([key, value]) => ({ key, value: decode(t.vmValue, value) }));
      return genesisAccount(genesis, a.address, a.balance, init.code, storage);
    });
  if (workchain !== -1n) return accounts;
  const { config, elector } = systemStorage(genesis);
  return [
    ...accounts,
    genesisAccount(genesis, CONFIG_ADDRESS, 0n, nativeCode("config"), config.changes()),
    genesisAccount(genesis, ELECTOR_ADDRESS, 0n, nativeCode("elector"), elector.changes()),
  ];
}

/** An account of block 0 (chain §5.2): active with `code` and its storage, or a plain balance. */
function genesisAccount(
  genesis: Genesis,
  address: LedgerAddress,
  balance: bigint,
  code: Uint8Array | null,
  storage: AccountWrite["storage"],
): AccountWrite {
  const zero = new Uint8Array(32);
  const account: Account = {
    balance,
    status:
      code === null ? { kind: "uninit" } : { kind: "active", codeHash: sha256(code), storageRoot: zero },
    storageBytes: 0,
    lastPaid: genesis.time,
    storageDue: 0n,
    lastLt: 0n,
    lastTxHash: zero,
  };
  return { address, before: null, account, code, storage };
}

/**
 * The storage of the config contract, with the genesis parameters, and of the elector, with the
 * genesis validators as the first round's set (staking §2.2). Their stakes are weight only: no
 * Grams stand behind them, and the first election replaces them.
 */
function systemStorage(genesis: Genesis): { config: Storage; elector: Storage } {
  const { validators, ...params } = genesis.config;
  const config = new Storage(EMPTY_STORAGE);
  config.write(CONFIG_KEYS.params, ConfigVersion, { version: 0n, params });
  const elector = new Storage(EMPTY_STORAGE);
  elector.write(ELECTOR_KEYS.current, ValidatorRound, {
    since: genesis.time,
    until: genesis.time + BigInt(params.elections.roundSeconds),
    // In ascending key order, as the elector keeps every set (its winners come sorted).
    members: [...validators]
      .sort((a, b) => compareBytes(a.publicKey, b.publicKey))
      .map((v) => ({ publicKey: v.publicKey, stake: v.stake, wallet: null, reward: 0n, fine: 0n })),
    removed: [],
  });
  elector.write(ELECTOR_KEYS.book, ElectorBook, { held: 0n, roundsPaid: 0n, lastReward: 0n });
  return { config, elector };
}

/** The config in force at block 0: what the system contracts hold there (chain §5.2). */
export function genesisChainConfig(genesis: Genesis): ChainConfig {
  const { config, elector } = systemStorage(genesis);
  return chainConfigOf(config, elector);
}

/** The governance parameters as nested JSON, each in its JSON form (config §2). */
function governanceJson(params: ConfigParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of PARAMS) {
    if (!GOVERNANCE_SECTIONS.includes(s.section)) continue;
    const parts = s.name.split(".");
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (at[p] === undefined) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = paramJson(params, s);
  }
  return out;
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
      ...governanceJson(g.config),
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
