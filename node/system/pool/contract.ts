// The nominator pool (staking §7), native code at the address of its StateInit: nominators lend a
// validator their Grams, the owner's wallet stakes them with the elector under the validator's
// key, and what comes back is split: the owner takes `feePpm` of a profit, the rest goes to the
// stakers in proportion to their shares; a loss (a fine) is shared the same way. It is an
// ordinary account (not a system one): it pays rent and gas like any contract, out of a reserve
// beyond what it owes, which deposit fees, top-ups and the owner's stake messages keep up.
//
// Deployment: a wallet's message with `poolStateInit(…)` as its init and a TOP_UP or DEPOSIT
// body; its first run finds no `state` record, which reads as an empty book. It takes no external
// message.

import {
  type Action,
  type InitAction,
  RECV_EXTERNAL,
  RECV_INTERNAL,
  type RunResult,
  SEND_MODE,
  type Value,
} from "../../../vm/index.ts";
import { equalBytes } from "../../bytes/index.ts";
import { decode, encode, t } from "../../codec/index.ts";
import {
  accountId,
  BOUNCE_TAG,
  fromVmAddress,
  KNOWN_WORKCHAINS,
  type LedgerAddress,
  type StateInit,
  toVmAddress,
} from "../../ledger/index.ts";
import { ELECTOR_ADDRESS, sameAddress } from "../addresses.ts";
import { type Args, bytesArg, charge, done, fail, intArg, operation, SYSTEM_EXIT } from "../body.ts";
import { readGenesis, readParams, readValidators } from "../context.ts";
import { ELECTOR_OP } from "../elector/contract.ts";
import { stakeProofMessage } from "../elector/proof.ts";
import { type NativeInput, nativeCode } from "../native.ts";
import { PPM } from "../params.ts";
import { Storage } from "../records.ts";
import { POOL_KEYS as K, MAX_NOMINATORS, type Nominator, PoolConfig, PoolState } from "./state.ts";

/** Operations: four ASCII letters each. A message's body is `[op, ...args]`. */
export const POOL_OP = {
  /** `[DEPOSIT]`, value ≥ MIN_DEPOSIT: the value less DEPOSIT_FEE joins the sender's share. */
  DEPOSIT: 0x44657073n,
  /** `[WITHDRAW]`: the sender's whole share, now or (while staked) when the stake returns. */
  WITHDRAW: 0x57647277n,
  /** `[STAKE, signature]`, from the owner: the validator key's proof for the pool's address. */
  STAKE: 0x5374616bn,
  /** `[RECOVER]`, from anyone: asks the elector for the stake; the message's value pays the way. */
  RECOVER: 0x52637672n,
  /** `[TOP_UP]`, from anyone: value for the pool's own fees, owed to no one. */
  TOP_UP: 0x546f7055n,
  /** The body of a payment to a nominator: `[PAID, amount]`. */
  PAID: 0x50616964n,
} as const;

export const POOL_EXIT = {
  NOT_OWNER: 130,
  NOT_ELECTOR: 131,
  DEPOSIT_TOO_SMALL: 132,
  NOT_NOMINATOR: 133,
  ALREADY_STAKED: 134,
  NOT_STAKED: 135,
  STAKE_TOO_SMALL: 136,
  NO_RESERVE: 137,
  BAD_PROOF: 138,
  NO_ELECTION: 139,
  TOO_EARLY: 140,
  TOO_MANY_NOMINATORS: 141,
  WITHDRAWING: 142,
  ALREADY_ASKED: 143,
  BAD_CONFIG: 144,
} as const;

export const POOL_EXIT_TEXT: Readonly<Record<number, string>> = {
  [POOL_EXIT.NOT_OWNER]: "only the pool's owner wallet may stake it",
  [POOL_EXIT.NOT_ELECTOR]: "only the elector returns stakes and bounces them",
  [POOL_EXIT.DEPOSIT_TOO_SMALL]: "a deposit must carry at least 1 Gram",
  [POOL_EXIT.NOT_NOMINATOR]: "the sender has no share in the pool",
  [POOL_EXIT.ALREADY_STAKED]: "the pool's stake is with the elector until it is recovered",
  [POOL_EXIT.NOT_STAKED]: "the pool has no stake with the elector",
  [POOL_EXIT.STAKE_TOO_SMALL]: "the nominators' shares are below the elector's minimum stake (stakes.min)",
  [POOL_EXIT.NO_RESERVE]: "the pool holds less than its 1 Gram reserve beyond the shares it stakes",
  [POOL_EXIT.BAD_PROOF]:
    "the signature is not the validator key's proof of possession for this pool and election",
  [POOL_EXIT.NO_ELECTION]: "no election is open",
  [POOL_EXIT.TOO_EARLY]: "the round the stake was for has not ended, or its hold is not over",
  [POOL_EXIT.TOO_MANY_NOMINATORS]: "the pool has as many nominators as it keeps",
  [POOL_EXIT.WITHDRAWING]: "the nominator asked to withdraw: deposit again once paid",
  [POOL_EXIT.ALREADY_ASKED]: "the nominator has asked to withdraw already",
  [POOL_EXIT.BAD_CONFIG]: "the pool's data is not a pool config (feePpm at most 1,000,000)",
};

const GRAM = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;

/** Amounts the pool works with, in nanograms. */
export const POOL_LIMITS = {
  MIN_DEPOSIT: GRAM,
  /** Kept of each deposit for the pool's own fees (gas, rent, forwarding). */
  DEPOSIT_FEE: GRAM / 10n,
  /** What must stay in the pool beyond the stake it sends. */
  RESERVE: GRAM,
  MAX_NOMINATORS,
  /**
   * Withdrawals one settlement pays: a transaction sends at most 256 messages. Those beyond wait,
   * unstaked (as pending, which no stake takes), for the next settlement or their own WITHDRAW.
   */
  MAX_PAYOUTS: 255,
} as const;

/**
 * Gas of each operation: the pool pays gas like any contract, out of the message's value, so each
 * is a modest fixed amount; a settlement adds some for each withdrawal it pays.
 */
const GAS = {
  deposit: 5_000n,
  withdraw: 5_000n,
  stake: 10_000n,
  recover: 5_000n,
  settle: 10_000n,
  payout: 500n,
  topUp: 1_000n,
  get: 1_000n,
} as const;

const ELECTOR_VM = toVmAddress(ELECTOR_ADDRESS);

/** What a wallet's payment needs as `init` to deploy the pool of `config` (`Payment.init`). */
export function poolStateInit(config: PoolConfig): InitAction {
  if (config.validatorKey.length !== 32) throw new RangeError("validatorKey: expected 32 bytes");
  if (!KNOWN_WORKCHAINS.includes(config.owner.workchain) || config.owner.id.length !== 32)
    throw new RangeError("owner: not an address of a known workchain");
  if (!Number.isInteger(config.feePpm) || config.feePpm < 0 || config.feePpm > Number(PPM))
    throw new RangeError(`feePpm: expected 0..${PPM}, got ${config.feePpm}`);
  return { code: nativeCode("pool"), data: [{ key: K.config, value: encode(PoolConfig, config).slice() }] };
}

/** The ledger's StateInit of a one-entry init, as `stateInitFromVm` makes it. */
function ledgerInit(init: InitAction): StateInit {
  return { code: init.code, data: init.data.map((e) => [e.key, encode(t.vmValue, e.value).slice()]) };
}

/** The pool's address: the hash of its StateInit (ledger §2.2), in `workchain`. */
export function poolAddress(config: PoolConfig, workchain = 0n): LedgerAddress {
  return { workchain, id: accountId(ledgerInit(poolStateInit(config))) };
}

export function poolContract(input: NativeInput): RunResult {
  // No external message: every operation is paid by the value of an internal one.
  if (input.entry === RECV_EXTERNAL) return fail(input, SYSTEM_EXIT.NO_EXTERNALS, 0n);
  const s = new Storage(input.storage);
  const cfg = homeConfig(input, s);
  if (typeof cfg === "number") return fail(input, cfg, 0n);
  switch (input.entry) {
    case RECV_INTERNAL:
      return receive(input, s, cfg);
    case "status":
      return charge(input, GAS.get) ?? status(s, cfg);
    case "deposit":
      return charge(input, GAS.get) ?? depositOf(input, s);
    default:
      return fail(input, SYSTEM_EXIT.NO_METHOD, 0n);
  }
}

/**
 * The pool's config, or the exit code when its data is not one or is not its address's: anyone
 * may deploy the pool's code, with any data, but then not at the address of a pool's init.
 */
function homeConfig(input: NativeInput, s: Storage): PoolConfig | number {
  const raw = s.get(K.config);
  if (!(raw instanceof Uint8Array)) return POOL_EXIT.BAD_CONFIG;
  let cfg: PoolConfig;
  try {
    cfg = decode(PoolConfig, raw);
  } catch {
    return POOL_EXIT.BAD_CONFIG;
  }
  if (cfg.feePpm > Number(PPM)) return POOL_EXIT.BAD_CONFIG;
  const self = fromVmAddress(input.context.address);
  let id: Uint8Array;
  try {
    id = accountId(ledgerInit(poolStateInit(cfg)));
  } catch {
    return POOL_EXIT.BAD_CONFIG;
  }
  if (self === null || !equalBytes(self.id, id)) return SYSTEM_EXIT.NOT_HOME;
  return cfg;
}

function receive(input: NativeInput, s: Storage, cfg: PoolConfig): RunResult {
  const m = operation(input);
  const sender = input.context.sender === null ? null : fromVmAddress(input.context.sender);
  if (m === null || sender === null) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
  switch (m.op) {
    case POOL_OP.DEPOSIT:
      return charge(input, GAS.deposit) ?? deposit(input, s, cfg, sender, m.args);
    case POOL_OP.WITHDRAW:
      return charge(input, GAS.withdraw) ?? withdraw(input, s, sender, m.args);
    case POOL_OP.STAKE:
      return charge(input, GAS.stake) ?? stake(input, s, cfg, sender, m.args);
    case POOL_OP.RECOVER:
      return charge(input, GAS.recover) ?? recover(input, s, m.args);
    case POOL_OP.TOP_UP:
      return charge(input, GAS.topUp) ?? topUp(input, s, m.args);
    case ELECTOR_OP.RECOVERED:
    case BOUNCE_TAG:
      if (!sameAddress(sender, ELECTOR_ADDRESS)) return fail(input, POOL_EXIT.NOT_ELECTOR, GAS.get);
      return m.op === BOUNCE_TAG ? bounced(input, s, cfg, m.args) : recovered(input, s, cfg, m.args);
    default:
      return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
  }
}

const EMPTY: PoolState = { staked: 0n, electAt: 0n, nominators: [] };

/** The pool's book; absent (the first run, from the deploying message) it is empty. */
function book(s: Storage): PoolState {
  return s.read(K.state, PoolState) ?? EMPTY;
}

const find = (list: readonly Nominator[], wallet: LedgerAddress) =>
  list.findIndex((n) => sameAddress(n.wallet, wallet));

/** Whether `wallet` may join: one place is kept for the owner, whose fee makes it a nominator. */
function room(list: readonly Nominator[], cfg: PoolConfig, wallet: LedgerAddress): boolean {
  const ownerKept = sameAddress(wallet, cfg.owner) || find(list, cfg.owner) >= 0;
  return list.length < (ownerKept ? MAX_NOMINATORS : MAX_NOMINATORS - 1);
}

/** A payment of `value` to a nominator; it never bounces (the wallet exists: it sent to the pool). */
function pay(wallet: LedgerAddress, value: bigint, mode: number): Action {
  return {
    type: "send",
    dest: toVmAddress(wallet),
    value,
    body: [POOL_OP.PAID, value],
    mode: mode | SEND_MODE.NON_BOUNCEABLE,
  };
}

function deposit(
  input: NativeInput,
  s: Storage,
  cfg: PoolConfig,
  wallet: LedgerAddress,
  args: Args,
): RunResult {
  if (args.length !== 0) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.deposit);
  const value = input.context.msgValue;
  if (value < POOL_LIMITS.MIN_DEPOSIT) return fail(input, POOL_EXIT.DEPOSIT_TOO_SMALL, GAS.deposit);
  const credit = value - POOL_LIMITS.DEPOSIT_FEE;
  const st = book(s);
  const staked = st.staked > 0n;
  const list = [...st.nominators];
  const at = find(list, wallet);
  if (at >= 0) {
    const n = list[at];
    if (n.withdraw) return fail(input, POOL_EXIT.WITHDRAWING, GAS.deposit);
    list[at] = staked ? { ...n, pending: n.pending + credit } : { ...n, amount: n.amount + credit };
  } else {
    if (!room(list, cfg, wallet)) return fail(input, POOL_EXIT.TOO_MANY_NOMINATORS, GAS.deposit);
    list.push({ wallet, amount: staked ? 0n : credit, pending: staked ? credit : 0n, withdraw: false });
  }
  s.write(K.state, PoolState, { ...st, nominators: list });
  return done(GAS.deposit, s.changes());
}

/**
 * The sender's whole share: paid at once (with what its message carried) when nothing is staked;
 * while a stake is out, its pending deposits are paid at once and the rest at the settlement.
 */
function withdraw(input: NativeInput, s: Storage, wallet: LedgerAddress, args: Args): RunResult {
  if (args.length !== 0) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.withdraw);
  const st = book(s);
  const list = [...st.nominators];
  const at = find(list, wallet);
  if (at < 0) return fail(input, POOL_EXIT.NOT_NOMINATOR, GAS.withdraw);
  const n = list[at];
  const actions: Action[] = [];
  if (st.staked === 0n) {
    list.splice(at, 1);
    actions.push(pay(wallet, n.amount + n.pending, SEND_MODE.CARRY_INBOUND_VALUE));
  } else {
    if (n.withdraw && n.pending === 0n) return fail(input, POOL_EXIT.ALREADY_ASKED, GAS.withdraw);
    if (n.pending > 0n) actions.push(pay(wallet, n.pending, SEND_MODE.CARRY_INBOUND_VALUE));
    if (n.amount === 0n) list.splice(at, 1);
    else list[at] = { ...n, pending: 0n, withdraw: true };
  }
  s.write(K.state, PoolState, { ...st, nominators: list });
  return done(GAS.withdraw, s.changes(), actions);
}

/**
 * The owner's order to stake every share with the elector, under the validator key, for the open
 * election. The proof is checked here first (for the election the set in force ends with), so a
 * wrong one costs a refusal rather than a bounce from the elector.
 */
function stake(
  input: NativeInput,
  s: Storage,
  cfg: PoolConfig,
  wallet: LedgerAddress,
  args: Args,
): RunResult {
  if (!sameAddress(wallet, cfg.owner)) return fail(input, POOL_EXIT.NOT_OWNER, GAS.stake);
  const signature = bytesArg(args[0], 64);
  if (signature === null || args.length !== 1) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.stake);
  const st = book(s);
  if (st.staked > 0n) return fail(input, POOL_EXIT.ALREADY_STAKED, GAS.stake);
  let total = 0n;
  for (const n of st.nominators) total += n.amount;
  const { config, now, balance } = input.context;
  const params = readParams(config);
  if (total === 0n || total < params.stakes.min) return fail(input, POOL_EXIT.STAKE_TOO_SMALL, GAS.stake);
  if (balance - total < POOL_LIMITS.RESERVE) return fail(input, POOL_EXIT.NO_RESERVE, GAS.stake);
  const electAt = readValidators(config).until;
  const { openBefore, closeBefore } = params.elections;
  if (now + BigInt(openBefore) < electAt || now >= electAt - BigInt(closeBefore))
    return fail(input, POOL_EXIT.NO_ELECTION, GAS.stake);
  const self = fromVmAddress(input.context.address) as LedgerAddress;
  const proof = stakeProofMessage(readGenesis(config), electAt, self);
  if (!input.host.ed25519Verify(proof, cfg.validatorKey, signature))
    return fail(input, POOL_EXIT.BAD_PROOF, GAS.stake);
  s.write(K.state, PoolState, { ...st, staked: total, electAt });
  const send: Action = {
    type: "send",
    dest: ELECTOR_VM,
    value: total,
    body: [ELECTOR_OP.STAKE, cfg.validatorKey, signature],
    mode: SEND_MODE.PAY_FEES_SEPARATELY,
  };
  return done(GAS.stake, s.changes(), [send]);
}

/**
 * Asks the elector for what it holds for the pool, once the round the stake was for has ended and
 * its hold is over
 * (before that it would return only what the election did not take). The message's value goes
 * with the request and comes back with the answer.
 */
function recover(input: NativeInput, s: Storage, args: Args): RunResult {
  if (args.length !== 0) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.recover);
  const st = book(s);
  if (st.staked === 0n) return fail(input, POOL_EXIT.NOT_STAKED, GAS.recover);
  // Not before the hold is over: earlier the elector holds only what the election did not take,
  // and a part settled as the whole would cut every share (staking §7).
  const { roundSeconds, holdSeconds } = readParams(input.context.config).elections;
  if (input.context.now < st.electAt + BigInt(roundSeconds) + BigInt(holdSeconds))
    return fail(input, POOL_EXIT.TOO_EARLY, GAS.recover);
  const send: Action = {
    type: "send",
    dest: ELECTOR_VM,
    value: 0n,
    body: [ELECTOR_OP.RECOVER],
    mode: SEND_MODE.CARRY_INBOUND_VALUE,
  };
  return done(GAS.recover, [], [send]);
}

function topUp(input: NativeInput, s: Storage, args: Args): RunResult {
  if (args.length !== 0) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.topUp);
  if (s.get(K.state) === undefined) s.write(K.state, PoolState, EMPTY);
  return done(GAS.topUp, s.changes());
}

/** The elector's answer to RECOVER: `[RECOVERED, amount]`, the amount what the pool had there. */
function recovered(input: NativeInput, s: Storage, cfg: PoolConfig, args: Args): RunResult {
  const amount = intArg(args[0], 0n, U64_MAX);
  if (amount === null || args.length !== 1) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.settle);
  return settleRun(input, s, cfg, amount);
}

/**
 * A message to the elector that it refused, back with what was left of its value: a stake is put
 * back as unstaked (settled as a return of that value, so the bounce's fee is shared); a refused
 * RECOVER (nothing released yet) leaves its value to the pool's fees.
 */
function bounced(input: NativeInput, s: Storage, cfg: PoolConfig, args: Args): RunResult {
  let original: Value = null;
  if (args[0] instanceof Uint8Array) {
    try {
      original = decode(t.vmValue, args[0]);
    } catch {
      original = null;
    }
  }
  const wasStake = Array.isArray(original) && original[0] === ELECTOR_OP.STAKE;
  if (!wasStake || book(s).staked === 0n) return done(GAS.get, []);
  return settleRun(input, s, cfg, input.context.msgValue);
}

function settleRun(input: NativeInput, s: Storage, cfg: PoolConfig, returned: bigint): RunResult {
  const out = settle(book(s), cfg, returned);
  const gas = GAS.settle + GAS.payout * BigInt(out.payouts.length);
  const over = charge(input, gas);
  if (over !== null) return over;
  s.write(K.state, PoolState, { staked: 0n, electAt: 0n, nominators: out.nominators });
  // A payment smaller than its own forward fee is skipped, not allowed to undo the settlement.
  const actions = out.payouts.map((p) => pay(p.wallet, p.value, SEND_MODE.IGNORE_ERRORS));
  return done(gas, s.changes(), actions);
}

export interface Settlement {
  /** The book after the settlement: nothing staked, pending deposits joined, paid ones gone. */
  nominators: Nominator[];
  /** The withdrawals asked for while staked, now due. */
  payouts: { wallet: LedgerAddress; value: bigint }[];
  /** The owner's fee, part of the owner's share. */
  fee: bigint;
  /** Rounding left over by the pro-rata split, added to the owner's share with the fee. */
  dust: bigint;
}

/**
 * Splits what came back from the elector (staking §7). Returned over the staked shares is a
 * profit: the owner takes `feePpm` of it, the rest goes to the stakers in proportion to their
 * shares; under them is a loss, shared the same way. Integer division's remainder goes to the
 * owner, so the stakers' new shares and the owner's credit sum to exactly what came back. Nothing
 * staked (an unexpected return): it is all profit over the shares held.
 */
export function settle(st: PoolState, cfg: PoolConfig, returned: bigint): Settlement {
  let base = 0n;
  for (const n of st.nominators) base += n.amount;
  const pot = (st.staked > 0n ? 0n : base) + returned;
  const profit = pot - base;
  const fee = profit > 0n ? (profit * BigInt(cfg.feePpm)) / PPM : 0n;
  const share = pot - fee;
  let given = 0n;
  const list = st.nominators.map((n) => {
    if (base === 0n || n.amount === 0n) return n;
    const amount = (share * n.amount) / base;
    given += amount;
    return { ...n, amount };
  });
  const dust = share - given;
  const toOwner = fee + dust;
  if (toOwner > 0n) {
    const at = find(list, cfg.owner);
    if (at >= 0) list[at] = { ...list[at], amount: list[at].amount + toOwner };
    else list.push({ wallet: cfg.owner, amount: toOwner, pending: 0n, withdraw: false });
  }
  const payouts: Settlement["payouts"] = [];
  const nominators: Nominator[] = [];
  for (const x of list) {
    const n = x.pending === 0n ? x : { ...x, amount: x.amount + x.pending, pending: 0n };
    if (!n.withdraw) {
      if (n.amount > 0n) nominators.push(n);
    } else if (payouts.length < POOL_LIMITS.MAX_PAYOUTS) {
      if (n.amount > 0n) payouts.push({ wallet: n.wallet, value: n.amount });
    } else nominators.push({ ...n, amount: 0n, pending: n.amount });
  }
  return {
    nominators,
    payouts,
    fee,
    dust,
  };
}

/** `status`: [validatorKey, owner (VM address), feePpm, staked, total shares, nominators]. */
function status(s: Storage, cfg: PoolConfig): RunResult {
  const st = book(s);
  let total = 0n;
  for (const n of st.nominators) total += n.amount + n.pending;
  return done(
    GAS.get,
    [],
    [],
    [
      cfg.validatorKey,
      toVmAddress(cfg.owner),
      BigInt(cfg.feePpm),
      st.staked,
      total,
      BigInt(st.nominators.length),
    ],
  );
}

/** `deposit` (a 36-byte VM address): that wallet's share, pending deposits included. */
function depositOf(input: NativeInput, s: Storage): RunResult {
  const arg = bytesArg(input.stack[0], 36);
  const wallet = arg === null ? null : fromVmAddress(arg);
  if (wallet === null || input.stack.length !== 1) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
  const n = book(s).nominators.find((x) => sameAddress(x.wallet, wallet));
  return done(GAS.get, [], [], [n === undefined ? 0n : n.amount + n.pending]);
}
