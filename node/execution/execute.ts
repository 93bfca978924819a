// One transaction (ledger §6): one account, one inbound message, TON's phases in order. Pure:
// the account, its code and storage, the message and the block's environment come in; the new
// account, the storage writes, the messages sent and the transaction record go out. Applying
// them (and refreshing the account's storage root and size) is the caller's.

import {
  EXIT,
  type Host,
  RECV_EXTERNAL,
  RECV_INTERNAL,
  type StorageChange,
  type StorageReader,
  type Value,
} from "../../vm/index.ts";
import { equalBytes, toHex } from "../bytes/index.ts";
import { decode, encode, hashOf, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import {
  type Account,
  accountId,
  type Fees,
  gasBought,
  gasFee,
  type LedgerAddress,
  Message,
  storageFee,
  toVmAddress,
} from "../ledger/index.ts";
import { isSystemAccount, runContract } from "../system/index.ts";
import { type ActionOutcome, runActions } from "./actions.ts";
import { bounceMessage } from "./bounce.ts";
import { programOf } from "./programs.ts";
import { COMPUTE_SKIPPED, type ComputePhase, PHASE, Transaction } from "./transaction.ts";

export interface ExecEnv {
  /** Block time, unix seconds. */
  now: bigint;
  /** This transaction's logical time (ledger §7); its messages take lt + 1, lt + 2, … */
  lt: bigint;
  seed: Uint8Array;
  fees: Fees;
  host: Host;
  config?: (id: bigint) => Value | null;
  /**
   * `hashOf(Message, msg)` when the caller knows it already (the mempool hashed the bytes it
   * decoded; a sent message's hash is in its transaction record), so it is not encoded again.
   */
  inMsgHash?: Uint8Array;
  /** Keep the encodings of the transaction and the messages sent (the block's records hold them). */
  keepEncodings?: boolean;
}

export interface AccountState {
  address: LedgerAddress;
  /** null: the account does not exist (ledger §3.2). */
  account: Account | null;
  /** The code of an active or frozen account (a frozen one runs it again once its debt is paid). */
  code: Uint8Array | null;
  /** Its storage, also for a frozen account. */
  storage: StorageReader;
}

/** Why a message leaves no transaction (only external messages can be refused). */
export type Refusal = "NO_CODE" | "NOT_ACCEPTED" | "BAD_BODY" | "FROZEN";

export type ExecResult =
  | { kind: "refused"; reason: Refusal; exitCode: number | null; gasUsed: bigint }
  | {
      kind: "done";
      transaction: Transaction;
      hash: Uint8Array;
      /** The account after the transaction, null when deleted. Its storage root and size are the caller's to refresh. */
      account: Account | null;
      /** New code when the transaction deployed the account or ran SETCODE. */
      code: Uint8Array | null;
      /** Storage writes, sorted by key; on deployment the initial data first. */
      storage: StorageChange[];
      outMessages: Message[];
      /** Everything the account paid: rent, gas, forwarding. */
      fees: bigint;
      /** With `env.keepEncodings`: the canonical bytes of `transaction` and of each of `outMessages`. */
      encoded?: { transaction: Uint8Array; outMessages: Uint8Array[] };
    };

const ZERO_HASH = new Uint8Array(32);
/** The gas of one run of a system contract (staking §1.2): well above what any of them uses. */
const SYSTEM_GAS_LIMIT = 1_000_000n;

function newAccount(now: bigint): Account {
  return {
    balance: 0n,
    status: { kind: "uninit" },
    storageBytes: 0,
    lastPaid: now,
    storageDue: 0n,
    lastLt: 0n,
    lastTxHash: ZERO_HASH,
  };
}

export function executeTransaction(state: AccountState, msg: Message, env: ExecEnv): ExecResult {
  return transact(state, msg, env, false) as ExecResult;
}

/** Whether the contract takes an external message, and nothing more (chain §7.1). */
export type CheckResult = Extract<ExecResult, { kind: "refused" }> | { kind: "accepted"; gasUsed: bigint };

/**
 * The transaction of an external message run only up to the contract's ACCEPT (vm §4.1): the
 * refusals of executeTransaction, or "accepted" with the gas used so far. What follows ACCEPT
 * (the rest of the run, the action phase, the record) cannot refuse a message, so a node's check
 * of one need not pay for it.
 */
export function checkExternal(
  state: AccountState,
  msg: Extract<Message, { kind: "externalIn" }>,
  env: ExecEnv,
): CheckResult {
  return transact(state, msg, env, true) as CheckResult;
}

function transact(
  state: AccountState,
  msg: Message,
  env: ExecEnv,
  untilAccept: boolean,
): ExecResult | CheckResult {
  if (msg.kind === "externalOut") throw new TypeError("an outbound external message is not delivered");
  const internal = msg.kind === "internal";
  const { fees, now, lt } = env;
  const before = state.account ?? newAccount(now);
  let status = before.status;
  let balance = before.balance;
  // The system contracts pay neither rent nor gas (staking §1.2): their balances are stakes.
  const system = isSystemAccount(state.address);

  // Storage phase (ledger §6.1).
  const due = system
    ? 0n
    : before.storageDue + storageFee(fees, BigInt(before.storageBytes), before.lastPaid, now);
  let rent = min(due, balance);
  balance -= rent;
  let storageDue = due - rent;
  let storageBytes = before.storageBytes;
  let deleted = false;
  if (status.kind === "active" && storageDue >= fees.freezeDue) {
    status = { kind: "frozen", codeHash: status.codeHash, storageRoot: status.storageRoot };
  } else if (status.kind === "frozen" && storageDue >= fees.deleteDue) {
    // Deleted: its code and storage go, and the debt with them (nothing could ever pay it).
    status = { kind: "uninit" };
    storageDue = 0n;
    storageBytes = 0;
    deleted = true;
  }

  // Credit phase (ledger §6.2).
  const credit = internal ? msg.value : 0n;
  balance += credit;
  // A frozen account whose debt the balance now covers pays it and is active again (ledger §6.2).
  if (status.kind === "frozen" && balance >= storageDue) {
    if (state.code === null) throw new Error("executeTransaction: a frozen account needs its code");
    balance -= storageDue;
    rent += storageDue;
    storageDue = 0n;
    status = { kind: "active", codeHash: status.codeHash, storageRoot: status.storageRoot };
  }

  // Deployment (ledger §6.3): part of what a failed compute or action phase undoes.
  const statusBeforeDeploy = status;
  let code = status.kind === "active" ? state.code : null;
  let storage = state.storage;
  let deployed: { code: Uint8Array; entries: StorageChange[] } | null = null;
  // Not in the transaction that deleted the account: its old storage is only gone once written.
  if (
    status.kind === "uninit" &&
    !deleted &&
    msg.init !== null &&
    equalBytes(accountId(msg.init), state.address.id)
  ) {
    const entries = initEntries(msg.init.data);
    if (entries !== null) {
      deployed = { code: msg.init.code, entries };
      code = msg.init.code;
      const byKey = new Map(entries.map((e) => [toHex(e.key), e.value as Value]));
      storage = { get: (key) => byKey.get(toHex(key)) };
      status = { kind: "active", codeHash: env.host.sha256(msg.init.code), storageRoot: ZERO_HASH };
    }
  }

  // Compute phase (ledger §6.4).
  let body: Value = null;
  let skipped: number | null = null;
  try {
    body = decode(t.vmValue, msg.body);
  } catch {
    skipped = COMPUTE_SKIPPED.BAD_BODY;
  }
  if (skipped === null && code === null)
    skipped = status.kind === "frozen" ? COMPUTE_SKIPPED.FROZEN : COMPUTE_SKIPPED.NO_CODE;
  if (!internal && skipped !== null) {
    const reason =
      skipped === COMPUTE_SKIPPED.BAD_BODY
        ? "BAD_BODY"
        : skipped === COMPUTE_SKIPPED.FROZEN
          ? "FROZEN"
          : "NO_CODE";
    return { kind: "refused", reason, exitCode: null, gasUsed: 0n };
  }

  let compute: ComputePhase;
  let storageChanges: StorageChange[] = [];
  let gasPaid = 0n;
  let action: ActionOutcome | null = null;
  let bounceReason: { phase: number; exitCode: number } | null = null;
  if (skipped !== null || code === null) {
    compute = { kind: "skipped", reason: skipped ?? COMPUTE_SKIPPED.NO_CODE };
    bounceReason = { phase: PHASE.COMPUTE, exitCode: 0 };
  } else {
    const bought = gasBought(fees, balance);
    // A system contract's limit is the protocol's, not a price a vote could set too low for it.
    const gasLimit = system ? SYSTEM_GAS_LIMIT : internal ? min(gasBought(fees, msg.value), bought) : bought;
    const r = runContract({
      code: programOf(code),
      entry: internal ? RECV_INTERNAL : RECV_EXTERNAL,
      stack: [body],
      host: env.host,
      storage,
      context: {
        address: toVmAddress(state.address),
        balance,
        msgValue: credit,
        sender: internal ? toVmAddress(msg.src) : null,
        now,
        lt,
        seed: env.seed,
        config: env.config ?? (() => null),
      },
      gasLimit,
      gasCredit: fees.gasCredit,
      stopAtAccept: untilAccept,
    });
    if (!r.accepted)
      return { kind: "refused", reason: "NOT_ACCEPTED", exitCode: r.exitCode, gasUsed: r.gasUsed };
    if (untilAccept) return { kind: "accepted", gasUsed: r.gasUsed };
    const fee = system ? 0n : gasFee(fees, r.gasUsed);
    gasPaid = min(fee, balance);
    balance -= gasPaid;
    const success = r.exitCode === EXIT.OK;
    compute = { kind: "vm", success, exitCode: r.exitCode, gasUsed: r.gasUsed, gasFee: gasPaid };
    if (!success) bounceReason = { phase: PHASE.COMPUTE, exitCode: r.exitCode };
    else {
      // Action phase (ledger §6.5).
      action = runActions({
        actions: r.actions,
        balance,
        inboundLeft: internal ? max(0n, msg.value - gasPaid) : 0n,
        self: state.address,
        now,
        lt,
        fees,
      });
      if (action.phase.success) {
        balance = action.balance;
        if (action.code !== null) {
          // ledger §6.5: the new code is the account's from now on, so its hash is too.
          code = action.code;
          if (status.kind === "active") status = { ...status, codeHash: env.host.sha256(code) };
        }
      } else if (action.bounce) bounceReason = { phase: PHASE.ACTION, exitCode: action.phase.resultCode };
    }
    if (success && action?.phase.success) storageChanges = mergeStorage(deployed?.entries ?? [], r.storage);
  }
  const committed = compute.kind === "vm" && compute.success && action?.phase.success === true;
  if (deployed !== null && !committed) {
    status = statusBeforeDeploy;
    deployed = null;
  }

  const outMessages: Message[] = action?.phase.success ? [...action.messages] : [];
  let fwdPaid = action?.phase.success ? action.phase.fwdFees : 0n;
  let bounced = false;
  // Bounce phase (ledger §6.6).
  if (internal && msg.bounce && !msg.bounced && bounceReason !== null) {
    const b = bounceMessage(msg, bounceReason, min(max(0n, msg.value - gasPaid), balance), {
      lt: lt + 1n + BigInt(outMessages.length),
      now,
      fees,
    });
    if (b !== null) {
      balance -= b.message.value + b.fwdFee;
      fwdPaid += b.fwdFee;
      outMessages.push(b.message);
      bounced = true;
    }
  }

  const totalFees = rent + gasPaid + fwdPaid;
  const outBytes = env.keepEncodings === true ? outMessages.map((m) => encode(Message, m)) : null;
  const transaction: Transaction = {
    account: state.address,
    lt,
    now,
    prevTxHash: before.lastTxHash,
    inMsg: env.inMsgHash ?? hashOf(Message, msg),
    outMsgs: outBytes?.map(sha256) ?? outMessages.map((m) => hashOf(Message, m)),
    storageFee: rent,
    credit,
    compute,
    action: action?.phase ?? null,
    bounced,
    totalFees,
    endBalance: balance,
  };
  const encoded =
    outBytes !== null ? { transaction: encode(Transaction, transaction), outMessages: outBytes } : undefined;
  const hash = encoded !== undefined ? sha256(encoded.transaction) : hashOf(Transaction, transaction);
  const destroyed = action?.phase.success === true && action.destroy;
  const after: Account | null =
    destroyed || (status.kind === "uninit" && balance === 0n)
      ? null
      : {
          ...before,
          balance,
          status,
          storageBytes,
          lastPaid: now,
          storageDue,
          lastLt: lt,
          lastTxHash: hash,
        };
  const newCode = action?.phase.success && action.code !== null ? action.code : (deployed?.code ?? null);
  return {
    kind: "done",
    transaction,
    hash,
    account: after,
    code: newCode,
    storage: storageChanges,
    outMessages,
    fees: totalFees,
    ...(encoded !== undefined ? { encoded } : {}),
  };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** A StateInit's data as storage writes, or null when a value is not a VM value's encoding. */
function initEntries(data: readonly (readonly [Uint8Array, Uint8Array])[]): StorageChange[] | null {
  const out: StorageChange[] = [];
  for (const [key, bytes] of data) {
    try {
      out.push({ key, value: decode(t.vmValue, bytes) });
    } catch {
      return null;
    }
  }
  return out;
}

/** Initial data overwritten by the run's own writes; sorted by key bytes as the VM sorts. */
function mergeStorage(initial: readonly StorageChange[], writes: readonly StorageChange[]): StorageChange[] {
  if (initial.length === 0) return [...writes];
  const byKey = new Map<string, StorageChange>();
  for (const c of initial) byKey.set(toHex(c.key), c);
  for (const c of writes) byKey.set(toHex(c.key), c);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}
