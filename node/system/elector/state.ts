// What the elector keeps (staking §2): the validator set in force and the one elected next, the
// open election's offers, the stakes frozen after their round, and what each wallet may recover.
// `held` is every nanogram of its balance that belongs to someone; the rest is the reward pot.
import { type Infer, t } from "../../codec/index.ts";
import { LedgerAddress } from "../../ledger/index.ts";
import { MAX_VALIDATORS } from "../params.ts";
import { storageKey } from "../records.ts";

/** Offers one election takes at most. */
export const MAX_OFFERS = 4 * MAX_VALIDATORS;

export const Member = t.struct("Member", {
  publicKey: t.bytes(32),
  /** The stake that counts in consensus (after the election's caps), frozen for the round. */
  stake: t.u64,
  /** Where the stake returns; none for a genesis validator, whose stake is weight without Grams. */
  wallet: t.optional(LedgerAddress),
  /** Rewards added at the end of its round. */
  reward: t.u64,
  /** Taken for double signing (staking §6); a member is fined at most once per round. */
  fine: t.u64,
});
export type Member = Infer<typeof Member>;

export const ValidatorRound = t.struct(
  "ValidatorRound",
  {
    since: t.u64,
    until: t.u64,
    members: t.list(Member, MAX_VALIDATORS),
    /** Members removed for double signing; their stakes are frozen with the round's. */
    removed: t.list(Member, MAX_VALIDATORS),
  },
  { maxBytes: 1024 * 1024 },
);
export type ValidatorRound = Infer<typeof ValidatorRound>;

export const Offer = t.struct("Offer", { publicKey: t.bytes(32), stake: t.u64, wallet: LedgerAddress });
export type Offer = Infer<typeof Offer>;

export const Election = t.struct(
  "Election",
  {
    /** The start of the round it elects for: the current round's end. */
    electAt: t.u64,
    closeAt: t.u64,
    offers: t.list(Offer, MAX_OFFERS),
  },
  { maxBytes: 1024 * 1024 },
);
export type Election = Infer<typeof Election>;

/** A round whose stakes wait out the hold period (staking §2.4). */
export const Frozen = t.struct(
  "Frozen",
  { releaseAt: t.u64, round: ValidatorRound },
  { maxBytes: 1024 * 1024 },
);
export type Frozen = Infer<typeof Frozen>;

export const FrozenRounds = t.struct(
  "FrozenRounds",
  { rounds: t.list(Frozen, 16) },
  { maxBytes: 4 * 1024 * 1024 },
);
export type FrozenRounds = Infer<typeof FrozenRounds>;

export const ElectorBook = t.struct("ElectorBook", {
  /** Nanograms of the balance owed to someone: offers, stakes, rewards added to them, credits. */
  held: t.u64,
  /** Rounds that ended and were paid so far, for anyone who checks the rewards. */
  roundsPaid: t.u64,
  /** What the validators of the last round paid (staking §5.2) earned in all. */
  lastReward: t.u64,
});
export type ElectorBook = Infer<typeof ElectorBook>;

/** The elector's storage keys (staking §2.1). */
export const ELECTOR_KEYS = {
  current: storageKey("current"),
  next: storageKey("next"),
  election: storageKey("election"),
  frozen: storageKey("frozen"),
  book: storageKey("book"),
  credit: (wallet: LedgerAddress) =>
    storageKey(
      "credit",
      Uint8Array.of(wallet.workchain === -1n ? 0xff : Number(wallet.workchain)),
      wallet.id,
    ),
} as const;
