// The votes of one height (consensus §4): per round and type, each member's votes, the stake
// behind each value, and the second votes that contradict a first one (evidence, consensus §5).
// A member that votes for two values counts for both: honest members vote once, so quorums still
// intersect in an honest member, and every node counts the same votes whatever order they came in.
import { toHex } from "../bytes/index.ts";
import { type Evidence, PREVOTE, type Vote, type VoteType } from "./messages.ts";
import type { ValidatorSet } from "./validatorSet.ts";

export const NIL = "nil";
export const valueKey = (value: Uint8Array | null): string => (value === null ? NIL : toHex(value));

/** Distinct values one member's votes of one step are counted for; a flood beyond is dropped. */
export const MAX_VALUES_PER_MEMBER = 8;

class Tally {
  readonly byMember = new Map<number, Vote[]>();
  readonly stakeByValue = new Map<string, bigint>();
  stake = 0n;
}

export type AddResult = "added" | "duplicate" | { evidence: Evidence };

export class VoteBook {
  readonly #set: ValidatorSet;
  readonly #tallies = new Map<number, [Tally, Tally]>();
  /** Members already shown to have voted twice in a (round, type): one piece of evidence each. */
  readonly #convicted = new Set<string>();

  constructor(set: ValidatorSet) {
    this.#set = set;
  }

  #tally(round: number, type: VoteType): Tally {
    let pair = this.#tallies.get(round);
    if (pair === undefined) {
      pair = [new Tally(), new Tally()];
      this.#tallies.set(round, pair);
    }
    return pair[type === PREVOTE ? 0 : 1];
  }

  /** Counts `vote` from member `member`; the caller checked its signature and height. */
  add(member: number, vote: Vote): AddResult {
    const tally = this.#tally(vote.round, vote.type as VoteType);
    const stake = this.#set.members[member].stake;
    const k = valueKey(vote.value);
    const earlier = tally.byMember.get(member);
    if (earlier === undefined) {
      tally.byMember.set(member, [vote]);
      tally.stake += stake;
    } else {
      if (earlier.some((v) => valueKey(v.value) === k) || earlier.length >= MAX_VALUES_PER_MEMBER)
        return "duplicate";
      earlier.push(vote);
    }
    tally.stakeByValue.set(k, (tally.stakeByValue.get(k) ?? 0n) + stake);
    const convicted = `${member}:${vote.round}:${vote.type}`;
    if (earlier === undefined || this.#convicted.has(convicted)) return "added";
    this.#convicted.add(convicted);
    return { evidence: { first: earlier[0], second: vote } };
  }

  /** Stake of all votes of a type in a round, whatever they name. */
  stake(round: number, type: VoteType): bigint {
    return this.#tallies.get(round)?.[type === PREVOTE ? 0 : 1].stake ?? 0n;
  }

  /** Stake behind one value (null: nil) of a type in a round. */
  stakeFor(round: number, type: VoteType, value: Uint8Array | null): bigint {
    return this.#tallies.get(round)?.[type === PREVOTE ? 0 : 1].stakeByValue.get(valueKey(value)) ?? 0n;
  }

  /** The values (hex; never nil) some precommits of `round` name with more than 2/3 of the stake. */
  committed(round: number): string[] {
    const tally = this.#tallies.get(round)?.[1];
    if (tally === undefined) return [];
    const out: string[] = [];
    for (const [k, s] of tally.stakeByValue) if (k !== NIL && this.#set.isQuorum(s)) out.push(k);
    return out.sort();
  }

  /** The votes of a type in `round` for value `key`. */
  votesFor(round: number, type: VoteType, key: string): Vote[] {
    const tally = this.#tallies.get(round)?.[type === PREVOTE ? 0 : 1];
    if (tally === undefined) return [];
    const out: Vote[] = [];
    for (const votes of tally.byMember.values())
      for (const v of votes) if (valueKey(v.value) === key) out.push(v);
    return out;
  }

  /** Rounds that hold any vote, ascending. */
  rounds(): number[] {
    return [...this.#tallies.keys()].sort((a, b) => a - b);
  }
}
