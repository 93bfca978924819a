// The elector (staking §2–§6), native code at -1:3333…: it takes stakes while an election is
// open, picks the winners at its close, hands the chain the next validator set, pays each ended
// round its rewards, fines double signing, and returns stakes once their hold is over. Time moves
// it: the chain sends it a tick at the start of every masterchain block (staking §5.1), carrying
// the minted coins, the validators' share of the fees, and the double signing the block recorded.

import {
  type Action,
  RECV_INTERNAL,
  type RunResult,
  SEND_MODE,
  type StorageReader,
} from "../../../vm/index.ts";
import { equalBytes, toHex } from "../../bytes/index.ts";
import { fromVmAddress, type LedgerAddress, toVmAddress } from "../../ledger/index.ts";
import { CHAIN_ADDRESS, ELECTOR_ADDRESS, sameAddress } from "../addresses.ts";
import { type Args, bytesArg, charge, done, fail, operation, SYSTEM_EXIT } from "../body.ts";
import { readGenesis, readParams } from "../context.ts";
import type { NativeInput } from "../native.ts";
import { type ConfigParams, PPM } from "../params.ts";
import { Storage } from "../records.ts";
import { stakeProofMessage } from "./proof.ts";
import { selectValidators } from "./select.ts";
import {
  Election,
  ElectorBook,
  FrozenRounds,
  ELECTOR_KEYS as K,
  MAX_OFFERS,
  type Member,
  ValidatorRound,
} from "./state.ts";

/** Operations (staking §3): TON's numbers where TON has the operation. */
export const ELECTOR_OP = {
  STAKE: 0x4e73744bn,
  RECOVER: 0x47657424n,
  /** The chain's own message at each masterchain block. */
  TICK: 0x7469636bn,
  /** Value for the reward pot, such as a proposal's fee (config §4.1). */
  REWARD: 0x52657764n,
  /** Sent back with a recovered stake. */
  RECOVERED: 0xf96f7324n,
} as const;

export const ELECTOR_EXIT = {
  NO_ELECTION: 100,
  STAKE_TOO_SMALL: 101,
  BAD_PROOF: 102,
  KEY_TAKEN: 103,
  TOO_MANY_OFFERS: 104,
  NOTHING_TO_RECOVER: 105,
  NOT_THE_CHAIN: 106,
} as const;

export const ELECTOR_EXIT_TEXT: Readonly<Record<number, string>> = {
  [ELECTOR_EXIT.NO_ELECTION]: "no election is open",
  [ELECTOR_EXIT.STAKE_TOO_SMALL]: "the stake is below the minimum (stakes.min)",
  [ELECTOR_EXIT.BAD_PROOF]: "the proof of possession is not the validator key's signature",
  [ELECTOR_EXIT.KEY_TAKEN]: "another wallet has staked with this validator key in this election",
  [ELECTOR_EXIT.TOO_MANY_OFFERS]: "the election has taken as many stakes as it can",
  [ELECTOR_EXIT.NOTHING_TO_RECOVER]: "the elector holds nothing for this wallet to recover",
  [ELECTOR_EXIT.NOT_THE_CHAIN]: "only the chain sends ticks",
};

/** Gas of each operation; the elector pays none (staking §1.2), but a run is still bounded. */
const GAS = { stake: 10_000n, recover: 5_000n, tick: 20_000n, get: 1_000n } as const;

const ELECTOR_VM = toVmAddress(ELECTOR_ADDRESS);

export function electorContract(input: NativeInput): RunResult {
  if (!equalBytes(input.context.address, ELECTOR_VM)) return fail(input, SYSTEM_EXIT.NOT_HOME, 0n);
  if (input.entry === RECV_INTERNAL) return receive(input);
  if (input.entry === "recv_external") return fail(input, SYSTEM_EXIT.NO_EXTERNALS, 0n);
  return fail(input, SYSTEM_EXIT.NO_METHOD, 0n);
}

function receive(input: NativeInput): RunResult {
  const m = operation(input);
  const sender = input.context.sender === null ? null : fromVmAddress(input.context.sender);
  if (m === null || sender === null) return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
  switch (m.op) {
    case ELECTOR_OP.STAKE:
      return charge(input, GAS.stake) ?? stake(input, sender, m.args);
    case ELECTOR_OP.RECOVER:
      return charge(input, GAS.recover) ?? recover(input, sender);
    case ELECTOR_OP.REWARD:
      return charge(input, GAS.get) ?? done(GAS.get, []);
    case ELECTOR_OP.TICK:
      if (!sameAddress(sender, CHAIN_ADDRESS)) return fail(input, ELECTOR_EXIT.NOT_THE_CHAIN, GAS.get);
      return charge(input, GAS.tick) ?? tick(input, m.args);
    default:
      return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
  }
}

function book(s: Storage): ElectorBook {
  return s.read(K.book, ElectorBook) ?? { held: 0n, roundsPaid: 0n, lastReward: 0n };
}

/** staking §3.1: a stake for the open election, with the validator key's proof of possession. */
function stake(input: NativeInput, wallet: LedgerAddress, args: Args): RunResult {
  const publicKey = bytesArg(args[0], 32);
  const signature = bytesArg(args[1], 64);
  if (publicKey === null || signature === null || args.length !== 2)
    return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.stake);
  const s = new Storage(input.storage);
  const election = s.read(K.election, Election);
  if (election === null) return fail(input, ELECTOR_EXIT.NO_ELECTION, GAS.stake);
  const params = readParams(input.context.config);
  const value = input.context.msgValue;
  if (value < params.stakes.min) return fail(input, ELECTOR_EXIT.STAKE_TOO_SMALL, GAS.stake);
  const proof = stakeProofMessage(readGenesis(input.context.config), election.electAt, wallet);
  if (!input.host.ed25519Verify(proof, publicKey, signature))
    return fail(input, ELECTOR_EXIT.BAD_PROOF, GAS.stake);
  const offers = [...election.offers];
  const at = offers.findIndex((o) => equalBytes(o.publicKey, publicKey));
  if (at >= 0) {
    if (!sameAddress(offers[at].wallet, wallet)) return fail(input, ELECTOR_EXIT.KEY_TAKEN, GAS.stake);
    offers[at] = { ...offers[at], stake: offers[at].stake + value };
  } else {
    if (offers.length >= MAX_OFFERS) return fail(input, ELECTOR_EXIT.TOO_MANY_OFFERS, GAS.stake);
    offers.push({ publicKey, stake: value, wallet });
  }
  s.write(K.election, Election, { ...election, offers });
  const b = book(s);
  s.write(K.book, ElectorBook, { ...b, held: b.held + value });
  return done(GAS.stake, s.changes());
}

/** staking §3.3: sends a wallet what the elector holds for it, with what its message carried. */
function recover(input: NativeInput, wallet: LedgerAddress): RunResult {
  const s = new Storage(input.storage);
  const key = K.credit(wallet);
  const credit = s.get(key);
  if (typeof credit !== "bigint" || credit === 0n)
    return fail(input, ELECTOR_EXIT.NOTHING_TO_RECOVER, GAS.recover);
  s.set(key, null);
  const b = book(s);
  s.write(K.book, ElectorBook, { ...b, held: b.held - credit });
  const send: Action = {
    type: "send",
    dest: toVmAddress(wallet),
    value: credit,
    body: [ELECTOR_OP.RECOVERED, credit],
    mode: SEND_MODE.CARRY_INBOUND_VALUE | SEND_MODE.NON_BOUNCEABLE,
  };
  return done(GAS.recover, s.changes(), [send]);
}

/** Adds `amount` to what `wallet` may recover. */
function credit(s: Storage, wallet: LedgerAddress | null, amount: bigint): void {
  if (wallet === null || amount === 0n) return;
  const key = K.credit(wallet);
  const old = s.get(key);
  s.set(key, (typeof old === "bigint" ? old : 0n) + amount);
}

/** staking §5: one masterchain block's worth of the elector's duties, in this order. */
function tick(input: NativeInput, args: Args): RunResult {
  const offenders = Array.isArray(args[0]) ? args[0] : null;
  if (offenders === null || args.length !== 1 || !offenders.every((o) => bytesArg(o, 32) !== null))
    return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.tick);
  const s = new Storage(input.storage);
  const params = readParams(input.context.config);
  const now = input.context.now;
  const current = s.read(K.current, ValidatorRound);
  if (current === null) throw new Error("the elector holds no validator set");
  const b0 = book(s);
  let b = b0;
  let cur = current;
  for (const key of offenders as Uint8Array[]) {
    const fined = fineIn(cur, key, params);
    if (fined !== null) {
      cur = fined.round;
      b = { ...b, held: b.held - fined.fine };
    }
  }
  release(s, now);
  const duty = nextDuty(s, cur, params);
  if (now >= duty.at) {
    if (duty.kind === "close") cur = close(s, duty.election, cur, params);
    else if (duty.kind === "handOver") {
      b = endRound(s, cur, now, params, input.context.balance, b);
      cur = duty.next;
      s.write(K.next, ValidatorRound, null);
    } else
      s.write(K.election, Election, {
        electAt: cur.until,
        closeAt: cur.until - BigInt(params.elections.closeBefore),
        offers: [],
      });
  }
  if (cur !== current) s.write(K.current, ValidatorRound, cur);
  if (b !== b0) s.write(K.book, ElectorBook, b);
  return done(GAS.tick, s.changes());
}

/**
 * staking §5.1: the first masterchain time at which the elector has a duty — to release frozen
 * stakes, close the election, hand over to the next set, or open an election — from its storage
 * and the parameters in force. Before it, a tick that carries no value and names no offender
 * would change nothing, and the chain sends none.
 */
export function electorDueAt(storage: StorageReader, params: ConfigParams): bigint {
  const s = new Storage(storage);
  const current = s.read(K.current, ValidatorRound);
  if (current === null) throw new Error("the elector holds no validator set");
  let due = nextDuty(s, current, params).at;
  for (const f of s.read(K.frozen, FrozenRounds)?.rounds ?? []) if (f.releaseAt < due) due = f.releaseAt;
  return due;
}

type Duty =
  | { kind: "close"; at: bigint; election: Election }
  | { kind: "handOver"; at: bigint; next: ValidatorRound }
  | { kind: "open"; at: bigint };

/**
 * staking §4.1: the one schedule duty the elector has next, and from when: to close the open
 * election, else to hand over to the elected set, else to open the next election. The tick and
 * the chain's skipping of ticks both read it here, so they cannot disagree.
 */
function nextDuty(s: Storage, current: ValidatorRound, params: ConfigParams): Duty {
  const election = s.read(K.election, Election);
  if (election !== null) return { kind: "close", at: election.closeAt, election };
  const next = s.read(K.next, ValidatorRound);
  if (next !== null) return { kind: "handOver", at: next.since, next };
  return { kind: "open", at: current.until - BigInt(params.elections.openBefore) };
}

/**
 * staking §6: fines a double signer of the round in force and takes it out of the set, unless it
 * is the last member. The fine stays in the elector and is paid to the round as a reward.
 */
function fineIn(
  round: ValidatorRound,
  key: Uint8Array,
  params: ConfigParams,
): { round: ValidatorRound; fine: bigint } | null {
  const at = round.members.findIndex((m) => equalBytes(m.publicKey, key));
  if (at < 0) return null;
  const m = round.members[at];
  // Once per round: a last member, kept in the set, is not fined again for each offence.
  if (m.fine > 0n) return null;
  const fine = m.wallet === null ? 0n : (m.stake * BigInt(params.rewards.finePpm)) / PPM;
  const fined: Member = { ...m, fine };
  if (round.members.length === 1) return { round: { ...round, members: [fined] }, fine };
  return {
    round: {
      ...round,
      members: round.members.filter((_, i) => i !== at),
      removed: [...round.removed, fined],
    },
    fine,
  };
}

/** staking §2.4: stakes whose hold is over become credits of their wallets (still held). */
function release(s: Storage, now: bigint): void {
  const frozen = s.read(K.frozen, FrozenRounds);
  if (frozen === null || frozen.rounds.every((r) => r.releaseAt > now)) return;
  const rounds = frozen.rounds.filter((r) => r.releaseAt > now);
  for (const r of frozen.rounds) {
    if (r.releaseAt > now) continue;
    for (const m of [...r.round.members, ...r.round.removed])
      credit(s, m.wallet, m.stake + m.reward - m.fine);
  }
  s.write(K.frozen, FrozenRounds, rounds.length === 0 ? null : { rounds });
}

/**
 * staking §4: picks the winners at the election's close. They are the next set; the stakes that
 * did not win, and what the winners offered beyond their frozen stake, become credits. An election
 * that fails keeps its offers and the set in force for one more round.
 */
function close(
  s: Storage,
  election: Election,
  current: ValidatorRound,
  params: ConfigParams,
): ValidatorRound {
  const outcome = selectValidators(election.offers, {
    minValidators: params.validatorCounts.min,
    maxValidators: params.validatorCounts.max,
    minStake: params.stakes.min,
    maxStake: params.stakes.max,
    minTotalStake: params.stakes.minTotal,
    maxStakeFactor: params.stakes.maxFactor,
  });
  if (!outcome.ok) {
    const until = current.until + BigInt(params.elections.roundSeconds);
    s.write(K.election, Election, {
      ...election,
      electAt: until,
      closeAt: until - BigInt(params.elections.closeBefore),
    });
    return { ...current, until };
  }
  const winners = new Map(outcome.winners.map((w) => [toHex(w.publicKey), w]));
  const wallets = new Map(election.offers.map((o) => [toHex(o.publicKey), o.wallet]));
  for (const o of election.offers) credit(s, o.wallet, winners.get(toHex(o.publicKey))?.excess ?? o.stake);
  const members: Member[] = outcome.winners.map((w) => ({
    publicKey: w.publicKey,
    stake: w.stake,
    wallet: wallets.get(toHex(w.publicKey)) as LedgerAddress,
    reward: 0n,
    fine: 0n,
  }));
  s.write(K.election, Election, null);
  s.write(K.next, ValidatorRound, {
    since: election.electAt,
    until: election.electAt + BigInt(params.elections.roundSeconds),
    members,
    removed: [],
  });
  return current;
}

/**
 * staking §5.2: the round in force ends. What the pot holds is paid to its members in proportion
 * to their stakes, added to the stakes it freezes for the hold period. A genesis member has no
 * wallet and earns nothing: its share stays in the pot for the next round.
 */
function endRound(
  s: Storage,
  round: ValidatorRound,
  now: bigint,
  params: ConfigParams,
  balance: bigint,
  b: ElectorBook,
): ElectorBook {
  const pot = balance - b.held;
  let total = 0n;
  for (const m of round.members) total += m.stake;
  let paid = 0n;
  const members = round.members.map((m) => {
    if (m.wallet === null || total === 0n || pot <= 0n) return m;
    const reward = (pot * m.stake) / total;
    paid += reward;
    return { ...m, reward: m.reward + reward };
  });
  const staked = [...members, ...round.removed].some((m) => m.wallet !== null);
  if (staked) {
    const frozen = s.read(K.frozen, FrozenRounds)?.rounds ?? [];
    const releaseAt = now + BigInt(params.elections.holdSeconds);
    s.write(K.frozen, FrozenRounds, { rounds: [...frozen, { releaseAt, round: { ...round, members } }] });
  }
  return { held: b.held + paid, roundsPaid: b.roundsPaid + 1n, lastReward: paid };
}
