// One height of one chain's consensus (consensus §4): Tendermint's rules for proposals, prevotes,
// precommits, locks and rounds, weighted by stake. The machine is pure: messages, answers and
// timer events go in; messages to persist and send, requests and timers come out, in order. It
// never reads a clock, draws a random number or touches the disk or the network.
import { equalBytes } from "../bytes/index.ts";
import {
  type ChainId,
  type Commit,
  type ConsensusSigner,
  commitOf,
  type Evidence,
  PRECOMMIT,
  PREVOTE,
  type Proposal,
  proposalShapeError,
  sameChain,
  signProposal,
  signVote,
  type Vote,
  type VoteType,
  voteShapeError,
} from "./messages.ts";
import type { ValidatorSet } from "./validatorSet.ts";
import { VoteBook, valueKey } from "./voteBook.ts";

export type Step = "propose" | "prevote" | "precommit";
const ORDER: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };

/** consensus §4.4: each timeout grows by `deltaMs` per round, so some round outlasts any delay. */
export interface Timeouts {
  proposeMs: number;
  prevoteMs: number;
  precommitMs: number;
  deltaMs: number;
}

/** Rounds ahead of the current one whose votes are counted; later ones only show the round exists. */
export const ROUNDS_AHEAD = 8;
/** Rounds whose own votes `resend` repeats, newest first. */
export const RESEND_ROUNDS = 16;

export type Output =
  /** Write to the log of own messages, then send (consensus §5.1). */
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  /** Send, not log: another member's message that peers need to act (consensus §4.5). */
  | { kind: "relay"; message: { proposal: Proposal } | { vote: Vote } }
  /** This node proposes in `round`: build a candidate and answer with a `value` input. */
  | { kind: "getValue"; round: number }
  /** Check the candidate with this hash and answer with a `validated` input. */
  | { kind: "validate"; value: Uint8Array }
  /** More than 2/3 committed a candidate this node has not seen: fetch it, then check it. */
  | { kind: "need"; value: Uint8Array }
  | { kind: "timer"; round: number; step: Step; ms: number }
  | { kind: "decide"; commit: Commit }
  | { kind: "evidence"; evidence: Evidence };

export type Input =
  /** A proposal or vote whose signature the caller has checked. */
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  | { kind: "value"; round: number; value: Uint8Array }
  | { kind: "validated"; value: Uint8Array; valid: boolean }
  | { kind: "timeout"; round: number; step: Step };

export interface HeightOptions {
  network: Uint8Array;
  chain: ChainId;
  height: bigint;
  validators: ValidatorSet;
  /** This node's validator key; null for a node that follows without voting. */
  signer: ConsensusSigner | null;
  timeouts: Timeouts;
  /** This node's own messages of this height, from its log, after a restart (consensus §5.1). */
  restored?: { votes: readonly Vote[]; proposals: readonly Proposal[] };
}

interface Held {
  value: Uint8Array;
  round: number;
}

export class HeightMachine {
  readonly height: bigint;
  #round = 0;
  #step: Step = "propose";
  #locked: Held | null = null;
  #valid: Held | null = null;
  #decided: Commit | null = null;
  readonly #o: HeightOptions;
  readonly #self: number;
  readonly #votes: VoteBook;
  readonly #proposals = new Map<number, Proposal>();
  readonly #validity = new Map<string, "pending" | boolean>();
  /** The highest round each member has been seen in (consensus §4.3, rule 8). */
  readonly #seenRound = new Map<number, number>();
  readonly #ownVotes = new Map<string, Vote>();
  readonly #ownProposals = new Map<number, Proposal>();
  readonly #once = new Set<string>();
  #out: Output[] = [];

  constructor(options: HeightOptions) {
    this.height = options.height;
    this.#o = options;
    this.#self = options.signer === null ? -1 : options.validators.indexOf(options.signer.publicKey);
    this.#votes = new VoteBook(options.validators);
  }

  get round(): number {
    return this.#round;
  }

  get step(): Step {
    return this.#step;
  }

  get decided(): Commit | null {
    return this.#decided;
  }

  get locked(): { value: Uint8Array; round: number } | null {
    return this.#locked;
  }

  /** Enters round 0, or after a restart the round and step the node's own log shows (consensus §5.1). */
  start(): Output[] {
    this.#out = [];
    const restored = this.#o.restored;
    if (restored === undefined || (restored.votes.length === 0 && restored.proposals.length === 0)) {
      this.#startRound(0);
    } else {
      let round = 0;
      for (const p of restored.proposals) {
        if (!this.#mine(p.height, p.chain)) continue;
        this.#ownProposals.set(p.round, p);
        this.#receiveProposal(p);
        round = Math.max(round, p.round);
      }
      for (const v of restored.votes) {
        if (!this.#mine(v.height, v.chain) || this.#self < 0) continue;
        this.#ownVotes.set(`${v.round}:${v.type}`, v);
        this.#votes.add(this.#self, v);
        round = Math.max(round, v.round);
        if (
          v.type === PRECOMMIT &&
          v.value !== null &&
          (this.#locked === null || v.round > this.#locked.round)
        ) {
          this.#locked = { value: v.value, round: v.round };
          this.#valid = this.#locked;
        }
      }
      this.#round = round;
      this.#step = this.#ownVotes.has(`${round}:${PRECOMMIT}`)
        ? "precommit"
        : this.#ownVotes.has(`${round}:${PREVOTE}`)
          ? "prevote"
          : "propose";
      if (this.#step === "propose") this.#startRound(round);
      else this.#timer(this.#step);
      for (const v of this.#ownVotes.values())
        if (v.round === round) this.#out.push({ kind: "vote", vote: v });
    }
    this.#evaluate();
    return this.#out;
  }

  handle(input: Input): Output[] {
    this.#out = [];
    if (this.#decided !== null) return this.#out;
    switch (input.kind) {
      case "proposal":
        this.#receiveProposal(input.proposal);
        break;
      case "vote":
        this.#receiveVote(input.vote);
        break;
      case "value":
        this.#ownValue(input.round, input.value);
        break;
      case "validated": {
        // A verdict, once given, stands.
        const k = valueKey(input.value);
        if (typeof this.#validity.get(k) !== "boolean") this.#validity.set(k, input.valid);
        break;
      }
      case "timeout":
        this.#timeout(input.round, input.step);
        break;
    }
    this.#evaluate();
    return this.#out;
  }

  /**
   * What peers need to act, to send again to those that may have missed it: the current round's
   * proposal with the prevotes that justify a re-proposal, and this node's own votes.
   */
  resend(): Output[] {
    this.#out = [];
    const own = this.#ownProposals.get(this.#round);
    const p = this.#proposals.get(this.#round);
    if (own !== undefined) this.#out.push({ kind: "proposal", proposal: own });
    else if (p !== undefined) this.#out.push({ kind: "relay", message: { proposal: p } });
    if (p !== undefined) this.#relayPolka(p);
    const out = this.#out;
    // Own votes of earlier rounds too: a peer still in one of them needs them to move on.
    for (let r = this.#round; r >= 0 && r > this.#round - RESEND_ROUNDS; r--)
      for (const type of [PREVOTE, PRECOMMIT]) {
        const v = this.#ownVotes.get(`${r}:${type}`);
        if (v !== undefined) out.push({ kind: "vote", vote: v });
      }
    return out;
  }

  #mine(height: bigint, chain: ChainId): boolean {
    return height === this.height && sameChain(chain, this.#o.chain);
  }

  #see(member: number, round: number): void {
    if ((this.#seenRound.get(member) ?? -1) < round) this.#seenRound.set(member, round);
  }

  #receiveProposal(p: Proposal): void {
    if (!this.#mine(p.height, p.chain) || p.round > this.#round + ROUNDS_AHEAD) return;
    const set = this.#o.validators;
    const member = set.indexOf(p.proposer);
    if (member < 0 || member !== set.proposer(this.#o.chain, this.height, p.round)) return;
    if (proposalShapeError(p) !== null) return;
    this.#see(member, p.round);
    if (this.#proposals.has(p.round)) return;
    this.#proposals.set(p.round, p);
    this.#learn(p.value, "validate");
  }

  /** Asks for a candidate's check once (or for the candidate itself, when only votes named it). */
  #learn(value: Uint8Array, kind: "validate" | "need"): void {
    const k = valueKey(value);
    if (this.#validity.has(k)) return;
    this.#validity.set(k, "pending");
    this.#out.push({ kind, value });
  }

  #receiveVote(v: Vote): void {
    if (!this.#mine(v.height, v.chain)) return;
    if (voteShapeError(v) !== null) return;
    const member = this.#o.validators.indexOf(v.validator);
    if (member < 0) return;
    this.#see(member, v.round);
    if (v.round > this.#round + ROUNDS_AHEAD) return;
    const added = this.#votes.add(member, v);
    if (typeof added === "object") this.#out.push({ kind: "evidence", evidence: added.evidence });
  }

  #ownValue(round: number, value: Uint8Array): void {
    if (round !== this.#round || this.#ownProposals.has(round) || this.#o.signer === null) return;
    if (this.#o.validators.proposer(this.#o.chain, this.height, round) !== this.#self) return;
    // A candidate this node built is valid by construction.
    this.#validity.set(valueKey(value), true);
    this.#propose(round, value, -1);
  }

  #propose(round: number, value: Uint8Array, validRound: number): void {
    const signer = this.#o.signer;
    if (signer === null) return;
    const body = { chain: this.#o.chain, height: this.height, round, validRound: BigInt(validRound), value };
    const p = signProposal(this.#o.network, body, signer);
    this.#ownProposals.set(round, p);
    this.#out.push({ kind: "proposal", proposal: p });
    this.#relayPolka(p);
    this.#receiveProposal(p);
  }

  /** consensus §4.5: a re-proposal travels with the prevotes of its valid round, which peers may lack. */
  #relayPolka(p: Proposal): void {
    if (p.validRound < 0n) return;
    for (const vote of this.#votes.votesFor(Number(p.validRound), PREVOTE, valueKey(p.value)))
      this.#out.push({ kind: "relay", message: { vote } });
  }

  #vote(type: VoteType, value: Uint8Array | null): void {
    const signer = this.#o.signer;
    if (signer === null || this.#self < 0) return;
    // consensus §5.1: one vote per round and type, ever, whatever the rules say later.
    const key = `${this.#round}:${type}`;
    if (this.#ownVotes.has(key)) return;
    const body = { chain: this.#o.chain, height: this.height, round: this.#round, type, value };
    const vote = signVote(this.#o.network, body, signer);
    this.#ownVotes.set(key, vote);
    this.#votes.add(this.#self, vote);
    this.#out.push({ kind: "vote", vote });
  }

  #timer(step: Step): void {
    const t = this.#o.timeouts;
    const base = step === "propose" ? t.proposeMs : step === "prevote" ? t.prevoteMs : t.precommitMs;
    this.#out.push({ kind: "timer", round: this.#round, step, ms: base + this.#round * t.deltaMs });
  }

  #startRound(round: number): void {
    this.#round = round;
    this.#step = "propose";
    const set = this.#o.validators;
    if (this.#self >= 0 && set.proposer(this.#o.chain, this.height, round) === this.#self) {
      const own = this.#ownProposals.get(round);
      if (own !== undefined) this.#out.push({ kind: "proposal", proposal: own });
      else if (this.#valid !== null) this.#propose(round, this.#valid.value, this.#valid.round);
      else this.#out.push({ kind: "getValue", round });
    }
    this.#timer("propose");
  }

  #timeout(round: number, step: Step): void {
    if (round !== this.#round) return;
    if (step === "propose" && this.#step === "propose") {
      this.#vote(PREVOTE, null);
      this.#step = "prevote";
    } else if (step === "prevote" && this.#step === "prevote") {
      this.#vote(PRECOMMIT, null);
      this.#step = "precommit";
    } else if (step === "precommit") {
      this.#startRound(round + 1);
    }
  }

  #isValid(value: Uint8Array): boolean | "pending" | undefined {
    return this.#validity.get(valueKey(value));
  }

  /** Applies every rule whose condition holds until none does (consensus §4.3). */
  #evaluate(): void {
    for (let guard = 0; guard < 1_000 && this.#decided === null; guard++) {
      if (!(this.#ruleDecide() || this.#ruleSkip() || this.#ruleProposal() || this.#rulePolka())) break;
    }
  }

  /** Rule 7: precommits of more than 2/3 for a valid candidate, in any round, decide the height. */
  #ruleDecide(): boolean {
    for (const round of this.#votes.rounds()) {
      for (const k of this.#votes.committed(round)) {
        const votes = this.#votes.votesFor(round, PRECOMMIT, k);
        const value = votes[0].value as Uint8Array;
        const valid = this.#isValid(value);
        if (valid === true) {
          this.#decided = commitOf(votes);
          this.#out.push({ kind: "decide", commit: this.#decided });
          return true;
        }
        if (valid === undefined) this.#learn(value, "need");
      }
    }
    return false;
  }

  /** Rule 8: more than 1/3 of the stake is seen in later rounds: go to the latest such round. */
  #ruleSkip(): boolean {
    const ahead: { round: number; stake: bigint }[] = [];
    for (const [member, round] of this.#seenRound)
      if (round > this.#round) ahead.push({ round, stake: this.#o.validators.members[member].stake });
    if (ahead.length === 0) return false;
    ahead.sort((a, b) => b.round - a.round);
    let stake = 0n;
    for (const a of ahead) {
      stake += a.stake;
      if (this.#o.validators.isThird(stake)) {
        this.#startRound(a.round);
        return true;
      }
    }
    return false;
  }

  /** Rules 1 and 2: the round's proposal, new or re-proposed with its earlier prevotes, gets a prevote. */
  #ruleProposal(): boolean {
    if (this.#step !== "propose") return false;
    const p = this.#proposals.get(this.#round);
    if (p === undefined) return false;
    const valid = this.#isValid(p.value);
    if (valid !== true && valid !== false) return false;
    const locked = this.#locked;
    if (p.validRound === -1n) {
      const ok = valid && (locked === null || equalBytes(locked.value, p.value));
      this.#vote(PREVOTE, ok ? p.value : null);
    } else {
      const vr = Number(p.validRound);
      if (!this.#o.validators.isQuorum(this.#votes.stakeFor(vr, PREVOTE, p.value))) return false;
      const ok = valid && (locked === null || locked.round <= vr || equalBytes(locked.value, p.value));
      this.#vote(PREVOTE, ok ? p.value : null);
    }
    this.#step = "prevote";
    return true;
  }

  /** Rules 3–6: what the round's prevotes and precommits, counted by stake, make this node do. */
  #rulePolka(): boolean {
    const set = this.#o.validators;
    const r = this.#round;
    if (this.#step === "prevote" && set.isQuorum(this.#votes.stake(r, PREVOTE)) && this.#first(`pvt:${r}`)) {
      this.#timer("prevote");
      return true;
    }
    const p = this.#proposals.get(r);
    if (
      p !== undefined &&
      ORDER[this.#step] >= ORDER.prevote &&
      this.#isValid(p.value) === true &&
      set.isQuorum(this.#votes.stakeFor(r, PREVOTE, p.value)) &&
      this.#first(`polka:${r}`)
    ) {
      if (this.#step === "prevote") {
        this.#locked = { value: p.value, round: r };
        this.#vote(PRECOMMIT, p.value);
        this.#step = "precommit";
      }
      this.#valid = { value: p.value, round: r };
      return true;
    }
    if (this.#step === "prevote" && set.isQuorum(this.#votes.stakeFor(r, PREVOTE, null))) {
      this.#vote(PRECOMMIT, null);
      this.#step = "precommit";
      return true;
    }
    if (set.isQuorum(this.#votes.stake(r, PRECOMMIT)) && this.#first(`pct:${r}`)) {
      this.#timer("precommit");
      return true;
    }
    return false;
  }

  #first(key: string): boolean {
    if (this.#once.has(key)) return false;
    this.#once.add(key);
    return true;
  }
}
