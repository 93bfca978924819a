// The election rule of `staking §4`, after TON's elector (`try_elect` in elector-code.fc): every
// node replays the election from the same offers and must name the same validators with the same
// frozen stakes, so the choice is a pure function in integers of the offers, in whatever order
// they arrived. The stake factor keeps one whale from outweighing the rest of the set.

import { compareBytes, toHex } from "../../bytes/index.ts";

export interface StakeOffer {
  publicKey: Uint8Array /* 32 bytes */;
  stake: bigint /* nanograms */;
}

export interface ElectionRules {
  minValidators: number;
  maxValidators: number;
  minStake: bigint;
  maxStake: bigint;
  minTotalStake: bigint;
  /** 16.16 fixed point: 65536 is 1.0. */
  maxStakeFactor: number;
}

export interface Winner {
  publicKey: Uint8Array;
  offered: bigint;
  /** Frozen for the round. */
  stake: bigint;
  /** offered − stake, handed back. */
  excess: bigint;
  /** Billionths of the total stake, rounded down. */
  weight: number;
}

export type ElectionOutcome =
  | { ok: true; winners: Winner[]; totalStake: bigint }
  | { ok: false; reason: string };

const BILLION = 1_000_000_000n;

export function selectValidators(offers: readonly StakeOffer[], rules: ElectionRules): ElectionOutcome {
  checkRules(rules);
  checkOffers(offers);
  const { minValidators, maxStake } = rules;
  // Ranked by the stake offered before the cap, as TON does, so that an offer never ranks below
  // a smaller one; the key settles ties because nothing else may depend on arrival order.
  const ranked = offers
    .filter((o) => o.stake >= rules.minStake)
    .sort((a, b) =>
      a.stake > b.stake ? -1 : a.stake < b.stake ? 1 : compareBytes(a.publicKey, b.publicKey),
    );
  const capped = ranked.map((o) => least(o.stake, maxStake));
  const n = Math.min(ranked.length, rules.maxValidators);
  if (n < minValidators)
    return { ok: false, reason: `${n} eligible offers, fewer than minValidators ${minValidators}` };

  const factor = BigInt(rules.maxStakeFactor);
  let best = 0n;
  let count = 0;
  for (let i = minValidators; i <= n; i++) {
    const limit = (factor * capped[i - 1]) >> 16n;
    let total = 0n;
    for (let j = 0; j < i; j++) total += least(capped[j], limit);
    // Strictly greater, as in TON: a larger set has to add stake to be preferred.
    if (total > best) {
      best = total;
      count = i;
    }
  }
  // TON also fails when no set has any stake at all; weights could not be shared out of zero.
  if (count === 0) return { ok: false, reason: "no set of eligible offers has a positive stake" };
  if (best < rules.minTotalStake)
    return { ok: false, reason: `best total stake ${best} is below minTotalStake ${rules.minTotalStake}` };

  const limit = (factor * capped[count - 1]) >> 16n;
  const winners = ranked.slice(0, count).map((o, j): Winner => {
    const stake = least(capped[j], limit);
    return {
      publicKey: o.publicKey.slice(),
      offered: o.stake,
      stake,
      excess: o.stake - stake,
      weight: Number((stake * BILLION) / best),
    };
  });
  winners.sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  return { ok: true, winners, totalStake: best };
}

const least = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function checkRules(rules: ElectionRules): void {
  if (typeof rules !== "object" || rules === null) throw new TypeError("rules: not an object");
  checkCount("rules.minValidators", rules.minValidators, 1);
  checkCount("rules.maxValidators", rules.maxValidators, rules.minValidators);
  checkAmount("rules.minStake", rules.minStake, 0n);
  checkAmount("rules.maxStake", rules.maxStake, rules.minStake > 1n ? rules.minStake : 1n);
  checkAmount("rules.minTotalStake", rules.minTotalStake, 0n);
  checkCount("rules.maxStakeFactor", rules.maxStakeFactor, 65536);
}

function checkOffers(offers: readonly StakeOffer[]): void {
  if (!Array.isArray(offers)) throw new TypeError("offers: not an array");
  const seen = new Map<string, number>();
  offers.forEach((offer, i) => {
    if (typeof offer !== "object" || offer === null) throw new TypeError(`offers[${i}]: not an object`);
    const key = offer.publicKey;
    if (!(key instanceof Uint8Array)) throw new TypeError(`offers[${i}].publicKey: not a Uint8Array`);
    if (key.length !== 32) throw new RangeError(`offers[${i}].publicKey: ${key.length} bytes, not 32`);
    const hex = toHex(key);
    const first = seen.get(hex);
    if (first !== undefined) throw new RangeError(`offers[${i}].publicKey: duplicate of offers[${first}]`);
    seen.set(hex, i);
    checkAmount(`offers[${i}].stake`, offer.stake, 0n);
  });
}

function checkCount(name: string, value: number, min: number): void {
  if (typeof value !== "number") throw new TypeError(`${name}: not a number`);
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name}: ${value} is not an integer of at least ${min}`);
}

function checkAmount(name: string, value: bigint, min: bigint): void {
  if (typeof value !== "bigint") throw new TypeError(`${name}: not a bigint`);
  if (value < min) throw new RangeError(`${name}: ${value} is below ${min}`);
}
