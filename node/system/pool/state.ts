// What a nominator pool keeps (staking §7): its config, fixed at deployment and part of its address,
// and its book: the stake out with the elector and each nominator's share. Amounts are nanograms.
// While a stake is out, the nominators' `amount`s sum to `staked`; deposits made meanwhile wait in
// `pending` and join at the settlement.
import { type Infer, t } from "../../codec/index.ts";
import { LedgerAddress } from "../../ledger/index.ts";
import { storageKey } from "../records.ts";

/** Nominators one pool keeps, the owner's share among them. */
export const MAX_NOMINATORS = 1_000;

/** The pool's StateInit data (one record): what its address commits to. */
export const PoolConfig = t.struct("PoolConfig", {
  /** The validator key the pool stakes for. */
  validatorKey: t.bytes(32),
  /** The wallet that may stake the pool and that earns the fee. */
  owner: LedgerAddress,
  /** The owner's part of a profit, in millionths (at most 1_000_000). */
  feePpm: t.u32,
});
export type PoolConfig = Infer<typeof PoolConfig>;

export const Nominator = t.struct("Nominator", {
  wallet: LedgerAddress,
  /** The share that is staked (or would be at the next stake). */
  amount: t.u64,
  /** Deposited while a stake was out: joins `amount` at the settlement. */
  pending: t.u64,
  /** Asked to withdraw while a stake was out: paid at the settlement. */
  withdraw: t.bool,
});
export type Nominator = Infer<typeof Nominator>;

export const PoolState = t.struct(
  "PoolState",
  {
    /** Sent to the elector and not back yet; 0: nothing is staked. */
    staked: t.u64,
    /** The start of the round the stake was for (the election's electAt); 0 when nothing is staked. */
    electAt: t.u64,
    nominators: t.list(Nominator, MAX_NOMINATORS),
  },
  { maxBytes: 1024 * 1024 },
);
export type PoolState = Infer<typeof PoolState>;

/** The pool's storage keys. */
export const POOL_KEYS = {
  config: storageKey("config"),
  state: storageKey("state"),
} as const;
