// The consensus loop of a validator (consensus §4, §8): it feeds one HeightMachine per masterchain
// height with checked messages from the network, answers its requests (build a round from the
// mempool, check a peer's round by running it, fetch one it has not seen), logs each of its own
// votes before sending it, and writes the round once decided. One serial queue alone changes the
// machine and the chain (the single writer), so no two steps interleave.
import type { Logger } from "pino";
import { equalBytes, toHex } from "../bytes/index.ts";
import {
  Candidate,
  type Chain,
  ChainError,
  MAX_EVIDENCE,
  MAX_ROUND_MESSAGE_BYTES,
  MC_CHAIN,
  type RoundResult,
} from "../chain/index.ts";
import { CodecError, decode, encode } from "../codec/index.ts";
import {
  type Commit,
  type ConsensusSigner,
  type Evidence,
  evidenceError,
  HeightMachine,
  type Input,
  type Output,
  PREVOTE,
  type Proposal,
  proposalShapeError,
  type SignatureCheck,
  sameChain,
  signVote,
  type Vote,
  type VoteLog,
  verifyProposal,
  verifyVote,
  voteShapeError,
} from "../consensus/index.ts";
import { sha256 } from "../crypto/index.ts";
import type { ConsensusConfig } from "../datadir/index.ts";
import { type Mempool, MempoolError } from "../mempool/index.ts";
import type { P2P, Verdict } from "../p2p/index.ts";
import { Candidates, wireBytes } from "./candidates.ts";
import { Syncer } from "./sync.ts";
import {
  CandidateRequest,
  MAX_RELAYED,
  MessagesMessage,
  PROTOCOLS,
  ProposalMessage,
  topicsOf,
  VoteMessage,
} from "./wire.ts";

/** Heights ahead of the current one whose messages wait for it; beyond, they only start a sync. */
const HEIGHTS_AHEAD = 2n;
const MAX_WAITING = 4_096;
/** Bytes of candidates that wait with proposals of later heights; past it they wait without one. */
const MAX_WAITING_BYTES = 64 * 1024 * 1024;
const RELAY_BATCH_BYTES = 3 * 1024 * 1024;
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;
/** How far ahead of this node's clock a candidate's time may be (seconds). */
const CLOCK_DRIFT_S = 5n;

const MAX_PENDING_EVIDENCE = 256;
/** How long a new peer takes to exchange topic subscriptions on loopback, with room to spare. */
const PEER_SETTLE_MS = 100;
const evidenceKey = (e: Evidence) =>
  `${toHex(e.first.validator)}:${e.first.chain.workchain}:${e.first.chain.shard}:${e.first.height}:${e.first.round}:${e.first.type}`;

export interface DriverDeps {
  chain: Chain;
  mempool: Mempool;
  p2p: P2P;
  voteLog: VoteLog;
  /** This node's key; it votes while the key is in the set in force. Null: it never votes. */
  signer: ConsensusSigner | null;
  logger: Logger;
  /** Unix seconds, for block times. */
  now: () => bigint;
  onRound: (round: RoundResult, ms: number) => void;
  /** ed25519 checks on other cores (the node's worker pool), for the commits sync writes. */
  verify?: (checks: readonly SignatureCheck[]) => Promise<boolean[]>;
  /** Writing a round failed (the disk, or a broken invariant): the node must stop. */
  onFatal: (error: unknown) => void;
  /** How long after a peer connects this height's messages go to it again; PEER_SETTLE_MS unless set. */
  peerSettleMs?: number;
  /**
   * A fault for tests (staking §6): from this masterchain time on, each prevote this node signs
   * goes out with a second one for another value, past its own guard, as a double signer would.
   */
  equivocateFrom?: bigint;
}

type Waiting = { proposal: ProposalMessage } | { vote: Vote };

export class ConsensusDriver {
  readonly #o: ConsensusConfig;
  readonly #d: DriverDeps;
  readonly #log: Logger;
  readonly #network: Uint8Array;
  readonly #topics: ReturnType<typeof topicsOf>;
  readonly #candidates = new Candidates();
  /** Candidates being asked for, by hex hash: one request at a time each. */
  readonly #fetching = new Set<string>();
  #fetchTurn = 0;
  readonly #sync: Syncer;
  #machine: HeightMachine | null = null;
  #height = 0n;
  #queue: Promise<void> = Promise.resolve();
  /** The machine's timers and those of this height: cleared when the height changes. */
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** A new peer's resend: it outlives the height it was set in, so cleared only at stop. */
  #peerTimers = new Set<ReturnType<typeof setTimeout>>();
  #resend: ReturnType<typeof setInterval> | null = null;
  #waiting = new Map<bigint, Waiting[]>();
  #waitingCount = 0;
  #waitingBytes = 0;
  /** The round this node is to propose in once there is work or the idle interval has passed. */
  #toPropose: number | null = null;
  /** When the last round was written; none yet at start, so a node that starts proposes at once. */
  #lastRoundAt = Number.NEGATIVE_INFINITY;
  #stopped = false;
  #heightAt = performance.now();
  #since = () => Math.round(performance.now() - this.#heightAt);
  /** Per member (by its place in the set), the highest height its signed messages have shown. */
  /** The highest height each signer was seen at, by key: the set can change between heights. */
  readonly #seenHeights = new Map<string, { key: Uint8Array; height: bigint }>();
  #relayed: Uint8Array[] = [];
  #relayedBytes = 0;
  /** Candidates the machine waits for and this node lacks: asked for again at each resend. */
  readonly #wanted = new Map<string, Uint8Array>();
  /** The one timer of a proposer waiting for work or for the minimum interval. */
  #proposeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The height whose delayed catch-up check is set (a peer one height on). */
  #behindCheck = -1n;
  /** Double signing seen here and not yet recorded by a final block (consensus §5.2). */
  readonly #evidence = new Map<string, Evidence>();
  /** Final blocks whose commit lacks this validator's precommit. */
  #missed = 0;
  #relayTimer: ReturnType<typeof setTimeout> | null = null;
  /** Batches of clients' messages that reached no peer, to send when one connects. */
  #unsent: Uint8Array[] = [];
  #unsentBytes = 0;

  constructor(options: ConsensusConfig, deps: DriverDeps) {
    this.#o = options;
    this.#d = deps;
    this.#log = deps.logger.child({ module: "consensus" });
    this.#network = deps.chain.genesisHash;
    this.#topics = topicsOf(this.#network, MC_CHAIN);
    this.#sync = new Syncer({
      chain: deps.chain,
      p2p: deps.p2p,
      logger: deps.logger,
      verify: deps.verify,
      enqueue: (task) => this.#enqueue(task),
      apply: (round, ms) => this.#applied(round, ms),
      beforeApply: () => this.#pause(),
      afterSync: () => this.#enqueue(() => this.#startHeight()),
    });
  }

  /** The masterchain height being decided, its round and step; for metrics and /ready. */
  get status(): {
    height: bigint;
    round: number;
    step: string;
    behind: bigint;
    syncing: boolean;
    missed: number;
    synced: number;
  } {
    const m = this.#machine;
    const seen = this.#seenHeight();
    const behind = seen > this.#height ? seen - this.#height : 0n;
    return {
      height: this.#height,
      round: m?.round ?? 0,
      step: m?.step ?? "sync",
      behind,
      syncing: this.#sync.running,
      missed: this.#missed,
      synced: this.#sync.synced,
    };
  }

  start(): void {
    const { p2p } = this.#d;
    p2p.subscribe(this.#topics.vote, (data, from) => this.#onVote(data, from));
    p2p.subscribe(this.#topics.proposal, (data, from) => this.#onProposal(data, from));
    p2p.subscribe(this.#topics.messages, (data, from) => this.#onMessages(data, from));
    p2p.handle(PROTOCOLS.candidate, (data) => this.#serveCandidate(data));
    this.#sync.serve();
    p2p.onPeer((peer, connected) => {
      if (!connected) return;
      this.#sync.poke(peer);
      // A peer that just came (at start, after a restart) has none of this height's messages; they
      // go again once it has told which topics it reads, not a resend interval later.
      const timer = setTimeout(() => {
        this.#peerTimers.delete(timer);
        this.#enqueue(() => this.#resendOwn(true));
      }, this.#d.peerSettleMs ?? PEER_SETTLE_MS);
      this.#peerTimers.add(timer);
    });
    this.#enqueue(() => this.#startHeight());
    this.#resend = setInterval(() => this.#enqueue(() => this.#resendOwn()), this.#o.resendMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#resend !== null) clearInterval(this.#resend);
    if (this.#relayTimer !== null) clearTimeout(this.#relayTimer);
    this.#clearTimers();
    this.#clearTimers(this.#peerTimers);
    if (this.#proposeTimer !== null) clearTimeout(this.#proposeTimer);
    this.#sync.stop();
    await this.#queue;
  }

  /** A message from this node's clients: passed on to the proposer, with others of the moment. */
  relay(bytes: Uint8Array): void {
    // A batch stays well under the topic's 4 MiB: a message is at most 64 KiB.
    if (this.#relayedBytes + bytes.length > RELAY_BATCH_BYTES) this.#flushRelayed();
    this.#relayed.push(bytes);
    this.#relayedBytes += bytes.length;
    if (this.#relayed.length >= MAX_RELAYED) this.#flushRelayed();
    else this.#relayTimer ??= setTimeout(() => this.#flushRelayed(), 5);
  }

  /** The mempool took a message: a proposer waiting for work may build now. */
  poke(): void {
    if (this.#toPropose !== null) this.#enqueue(() => this.#maybePropose());
  }

  #flushRelayed(): void {
    if (this.#relayTimer !== null) clearTimeout(this.#relayTimer);
    this.#relayTimer = null;
    const messages = this.#relayed;
    this.#relayed = [];
    this.#relayedBytes = 0;
    if (messages.length === 0 || this.#stopped) return;
    let batch: Uint8Array;
    try {
      batch = encode(MessagesMessage, { messages });
    } catch (err) {
      // Not sent on: the messages still wait here for this node's own proposals.
      this.#log.error({ err, messages: messages.length }, "could not pass messages on");
      return;
    }
    this.#relayBatch(batch);
  }

  /**
   * A batch that reached no peer (none connected yet: at start, with the messages the mempool
   * restored, or while cut off) waits and goes with the next resend once a peer is there, so the
   * next proposer hears of it; past MAX_UNSENT_BYTES the oldest are left to this node's own
   * proposals.
   */
  #relayBatch(batch: Uint8Array): void {
    this.#d.p2p
      .publish(this.#topics.messages, batch)
      .then((recipients) => {
        if (recipients > 0 || this.#stopped) return;
        this.#unsent.push(batch);
        this.#unsentBytes += batch.length;
        while (this.#unsentBytes > MAX_UNSENT_BYTES) this.#unsentBytes -= this.#unsent.shift()?.length ?? 0;
      })
      .catch((err: unknown) => this.#log.warn({ err }, "passing messages on failed"));
  }

  #relayUnsent(): void {
    const batches = this.#unsent;
    this.#unsent = [];
    this.#unsentBytes = 0;
    for (const batch of batches) this.#relayBatch(batch);
  }

  #enqueue(task: () => Promise<void> | void): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#stopped) return;
      try {
        await task();
      } catch (e) {
        // Only the disk or a broken invariant gets here; voting on would risk a conflicting vote.
        this.#stopped = true;
        this.#d.onFatal(e);
      }
    });
  }

  #publish(topic: string, data: Uint8Array): void {
    this.#d.p2p
      .publish(topic, data)
      .catch((err: unknown) => this.#log.warn({ err, topic }, "a publish failed"));
  }

  // ---- inbound messages, checked before they are queued (consensus §8.1) ----

  #member(key: Uint8Array): boolean {
    return this.#d.chain.validatorSet.indexOf(key) >= 0;
  }

  #onVote(data: Uint8Array, from: string): Verdict {
    let vote: Vote;
    try {
      vote = decode(VoteMessage, data);
    } catch (e) {
      if (e instanceof CodecError) return "reject";
      throw e;
    }
    if (voteShapeError(vote) !== null || !sameChain(vote.chain, MC_CHAIN)) return "reject";
    // A member of the next set, or of the last, at a set change (staking §2.2): not this node's
    // to judge, and no fault of the peer that passed it on.
    if (!this.#member(vote.validator)) return "ignore";
    if (!verifyVote(this.#network, vote)) return "reject";
    this.#enqueue(() => this.#deliver({ vote }, vote.height, from));
    return "accept";
  }

  #onProposal(data: Uint8Array, from: string): Verdict {
    let message: ProposalMessage;
    try {
      message = decode(ProposalMessage, data);
    } catch (e) {
      if (e instanceof CodecError) return "reject";
      throw e;
    }
    const p = message.proposal;
    if (proposalShapeError(p) !== null || !sameChain(p.chain, MC_CHAIN)) return "reject";
    if (!this.#member(p.proposer)) return "ignore";
    if (message.candidate !== null && !equalBytes(message.candidate.mcHash, p.value)) return "reject";
    if (!verifyProposal(this.#network, p)) return "reject";
    this.#enqueue(() => this.#deliver({ proposal: message }, p.height, from));
    return "accept";
  }

  #onMessages(data: Uint8Array, from: string): Verdict {
    let list: Uint8Array[];
    try {
      list = decode(MessagesMessage, data).messages;
    } catch (e) {
      if (e instanceof CodecError) return "reject";
      throw e;
    }
    // Each passes the mempool's intake checks; the contract runs when a round includes it.
    let bad = 0;
    for (const bytes of list)
      try {
        this.#d.mempool.admit(bytes);
      } catch (e) {
        if (!(e instanceof MempoolError)) throw e;
        bad++;
      }
    if (bad > 0) this.#d.p2p.penalize(from, 10 * bad, "relayed messages that do not decode");
    return "accept";
  }

  /**
   * The highest height that members holding more than a third of the stake have reached, so at
   * least one honest one: how far behind this node is. One lying member that signs a vote for a
   * height far ahead cannot hold /ready at "behind" (consensus §8.6).
   */
  #seenHeight(): bigint {
    const set = this.#d.chain.validatorSet;
    const seen = [...this.#seenHeights.values()].sort((a, b) =>
      a.height > b.height ? -1 : a.height < b.height ? 1 : 0,
    );
    let stake = 0n;
    for (const { key, height } of seen) {
      stake += set.members[set.indexOf(key)]?.stake ?? 0n;
      if (set.isThird(stake)) return height;
    }
    return 0n;
  }

  async #deliver(message: Waiting, height: bigint, from: string): Promise<void> {
    const signer = "vote" in message ? message.vote.validator : message.proposal.proposal.proposer;
    const k = toHex(signer);
    if (height > (this.#seenHeights.get(k)?.height ?? 0n)) this.#seenHeights.set(k, { key: signer, height });
    if (height < this.#height) return;
    if (height > this.#height || this.#machine === null) {
      if (height > this.#height) this.#behind(height, from);
      if (height > this.#height + HEIGHTS_AHEAD || this.#waitingCount >= MAX_WAITING) return;
      if ("proposal" in message && message.proposal.candidate !== null) {
        const bytes = wireBytes(message.proposal.candidate);
        if (this.#waitingBytes + bytes > MAX_WAITING_BYTES)
          message = { proposal: { proposal: message.proposal.proposal, candidate: null } };
        else this.#waitingBytes += bytes;
      }
      const list = this.#waiting.get(height) ?? [];
      list.push(message);
      this.#waiting.set(height, list);
      this.#waitingCount++;
      return;
    }
    if ("vote" in message) await this.#step({ kind: "vote", vote: message.vote });
    else {
      const { proposal, candidate } = message.proposal;
      if (candidate !== null) this.#candidates.add(proposal.value, candidate, from);
      this.#log.debug(
        {
          height: Number(height),
          round: proposal.round,
          atMs: this.#since(),
          withCandidate: candidate !== null,
        },
        "proposal",
      );
      await this.#step({ kind: "proposal", proposal });
    }
  }

  /**
   * A member's message of a later height: this node missed a decision, or is about to see it
   * (peers decide a little apart). Two heights on, it syncs at once (consensus §8.2); one height
   * on, only if its own decision has not come a resend interval later.
   */
  #behind(height: bigint, from: string): void {
    if (height > this.#height + 1n) {
      this.#sync.poke(from);
      return;
    }
    if (this.#behindCheck === this.#height) return;
    const at = this.#height;
    this.#behindCheck = at;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#height === at && !this.#stopped) this.#sync.poke(from);
    }, this.#o.resendMs);
    this.#timers.add(timer);
  }

  // ---- the machine ----

  async #startHeight(): Promise<void> {
    if (this.#sync.running) return;
    const chain = this.#d.chain;
    const height = chain.head.mc.header.seqno + 1n;
    if (this.#machine !== null && this.#height === height) return;
    this.#height = height;
    this.#heightAt = performance.now();
    this.#candidates.clear();
    this.#wanted.clear();
    this.#toPropose = null;
    this.#clearTimers();
    const restored = await this.#d.voteLog.load(MC_CHAIN, height);
    this.#machine = new HeightMachine({
      network: this.#network,
      chain: MC_CHAIN,
      height,
      validators: chain.validatorSet,
      signer: this.#signer(),
      timeouts: {
        proposeMs: this.#o.proposeMs,
        prevoteMs: this.#o.prevoteMs,
        precommitMs: this.#o.precommitMs,
        deltaMs: this.#o.deltaMs,
      },
      restored,
    });
    await this.#run(this.#machine.start(), this.#machine);
    const waiting = this.#waiting.get(height) ?? [];
    for (const h of [...this.#waiting.keys()])
      if (h <= height) {
        for (const m of this.#waiting.get(h) ?? []) {
          this.#waitingCount--;
          if ("proposal" in m && m.proposal.candidate !== null)
            this.#waitingBytes -= wireBytes(m.proposal.candidate);
        }
        this.#waiting.delete(h);
      }
    for (const m of waiting) await this.#deliver(m, height, "");
  }

  /**
   * Runs one input through the machine and then its outputs, within the current queue task, so a
   * vote is logged before it goes out and nothing of the next input starts before they are done.
   */
  async #step(input: Input): Promise<void> {
    const m = this.#machine;
    if (m !== null) await this.#run(m.handle(input), m);
  }

  async #run(outputs: Output[], m: HeightMachine): Promise<void> {
    const { voteLog } = this.#d;
    const h = this.#height;
    for (const o of outputs) {
      // A decision inside this loop (through a check that completed it) started the next height.
      if (this.#machine !== m) return;
      switch (o.kind) {
        case "proposal": {
          await voteLog.append({ proposal: o.proposal });
          this.#sendProposal(o.proposal, true);
          break;
        }
        case "vote":
          await voteLog.append({ vote: o.vote });
          this.#sendVote(o.vote);
          this.#equivocate(o.vote);
          break;
        case "relay":
          this.#relay(o.message);
          break;
        case "getValue":
          this.#toPropose = o.round;
          await this.#maybePropose();
          break;
        case "validate":
          await this.#validate(o.value);
          break;
        case "need":
          await this.#validate(o.value);
          break;
        case "timer": {
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            this.#enqueue(async () => {
              if (this.#machine === m) await this.#step({ kind: "timeout", round: o.round, step: o.step });
            });
          }, o.ms);
          this.#timers.add(timer);
          break;
        }
        case "decide":
          await this.#decide(o.commit);
          return;
        case "evidence":
          this.#log.warn(
            {
              validator: toHex(o.evidence.first.validator),
              height: Number(h),
              round: o.evidence.first.round,
            },
            "a validator signed two different votes for one step",
          );
          if (this.#evidence.size < MAX_PENDING_EVIDENCE)
            this.#evidence.set(evidenceKey(o.evidence), o.evidence);
          break;
      }
    }
  }

  #equivocate(vote: Vote): void {
    const from = this.#d.equivocateFrom;
    const signer = this.#d.signer;
    if (from === undefined || signer === null || vote.type !== PREVOTE) return;
    if (this.#d.chain.head.mc.header.time < from) return;
    const other = sha256(vote.value ?? new Uint8Array(32));
    const { validator: _v, signature: _s, ...body } = vote;
    this.#sendVote(signVote(this.#network, { ...body, value: other }, signer));
  }

  #sendVote(vote: Vote): void {
    this.#publish(this.#topics.vote, encode(VoteMessage, vote));
  }

  #relay(message: { proposal: Proposal } | { vote: Vote }, withCandidate = false): void {
    if ("vote" in message) this.#sendVote(message.vote);
    else this.#sendProposal(message.proposal, withCandidate);
  }

  #clearTimers(timers = this.#timers): void {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  }

  /**
   * The proposer's first send carries the candidate; copies sent again go without it (it can be
   * hundreds of KiB), and a peer that lacks it asks for it (consensus §8.3).
   */
  #sendProposal(proposal: Proposal, withCandidate: boolean): void {
    const candidate = withCandidate ? (this.#candidates.get(proposal.value)?.wire ?? null) : null;
    this.#publish(this.#topics.proposal, encode(ProposalMessage, { proposal, candidate }));
  }

  /** chain §4.5: round 0 waits for work, or for the idle interval; later rounds propose at once. */
  async #maybePropose(): Promise<void> {
    const round = this.#toPropose;
    const m = this.#machine;
    if (round === null || m === null || m.round !== round) return;
    const { chain, mempool } = this.#d;
    const since = performance.now() - this.#lastRoundAt;
    const work = mempool.size > 0 || chain.queuedMessages > 0;
    const wait =
      round > 0
        ? 0
        : Math.max(this.#o.minBlockIntervalMs - since, work ? 0 : this.#o.idleBlockIntervalMs - since);
    if (wait > 0) {
      if (this.#proposeTimer !== null) clearTimeout(this.#proposeTimer);
      this.#proposeTimer = setTimeout(() => {
        this.#proposeTimer = null;
        this.#enqueue(() => this.#maybePropose());
      }, wait);
      return;
    }
    this.#toPropose = null;
    const evidence: Evidence[] = [];
    for (const [k, e] of this.#evidence) {
      // Recorded, or no evidence under the set in force (its signer was fined out of it, or its
      // round ended, staking §6): every checker would refuse a candidate that carries it.
      if (
        (await chain.evidenceRecorded(e)) ||
        evidenceError(chain.genesisHash, (key) => chain.validatorSet.indexOf(key) >= 0, e) !== null
      )
        this.#evidence.delete(k);
      else if (evidence.length < MAX_EVIDENCE) evidence.push(e);
    }
    const t0 = performance.now();
    const built = await chain.buildRound(
      this.#d.now(),
      await mempool.proposable(
        Math.min(chain.config.maxBlockTransactions, this.#o.maxRoundMessages),
        MAX_ROUND_MESSAGE_BYTES,
      ),
      undefined,
      evidence,
    );
    this.#log.debug(
      {
        height: Number(this.#height),
        atMs: this.#since(),
        ms: Math.round(performance.now() - t0),
        messages: built.wire.shardExternals.length + built.wire.mcExternals.length,
      },
      "candidate built",
    );
    this.#candidates.add(built.hash, built.wire, "", built);
    await this.#step({ kind: "value", round, value: built.hash });
  }

  async #validate(value: Uint8Array): Promise<void> {
    const entry = this.#candidates.get(value);
    if (entry === undefined) {
      // A proposal sent again comes without its candidate, or the first copy was wrong: ask for it,
      // now and at each resend until it comes (consensus §8.3).
      this.#wanted.set(toHex(value), value);
      this.#fetch(value, this.#height);
      return;
    }
    this.#wanted.delete(toHex(value));
    let valid = true;
    if (entry.built === undefined) {
      const t0 = performance.now();
      try {
        this.#candidates.checked(
          value,
          await this.#d.chain.checkRound(entry.wire, this.#d.now() + CLOCK_DRIFT_S),
        );
      } catch (e) {
        if (!(e instanceof ChainError)) throw e;
        if (e.code === "CHAIN_CANDIDATE_MISMATCH") {
          // Not the proposer's candidate but someone's wrong copy: no verdict on the value.
          this.#candidates.drop(value);
          if (entry.from !== "")
            this.#d.p2p.penalize(entry.from, 20, `a wrong copy of a candidate: ${e.message}`);
          this.#wanted.set(toHex(value), value);
          this.#fetch(value, this.#height, entry.from);
          return;
        }
        if (e.code !== "CHAIN_BAD_CANDIDATE") throw e;
        this.#log.warn({ value: toHex(value), reason: e.message }, "refused a candidate");
        valid = false;
      }
      this.#log.debug(
        { height: Number(this.#height), atMs: this.#since(), ms: Math.round(performance.now() - t0), valid },
        "candidate checked",
      );
    }
    await this.#step({ kind: "validated", value, valid });
  }

  /** A decided candidate this node never saw: ask the peers for it (consensus §8.3). */
  #fetch(value: Uint8Array, height: bigint, skip = ""): void {
    const p2p = this.#d.p2p;
    const k = toHex(value);
    if (this.#fetching.has(k)) return;
    this.#fetching.add(k);
    void (async () => {
      // Peers in a changing order, so one that keeps answering wrongly is not always asked first.
      const peers = p2p.peers().filter((p) => p !== skip);
      const start = peers.length === 0 ? 0 : this.#fetchTurn++ % peers.length;
      for (const peer of [...peers.slice(start), ...peers.slice(0, start)]) {
        if (this.#stopped || this.#height !== height) return;
        try {
          const bytes = await p2p.request(
            peer,
            PROTOCOLS.candidate,
            encode(CandidateRequest, { hash: value }),
            5_000,
          );
          const wire = decode(Candidate, bytes);
          if (!equalBytes(wire.mcHash, value)) {
            p2p.penalize(peer, 50, "answered with another candidate");
            continue;
          }
          this.#enqueue(async () => {
            if (this.#height !== height) return;
            if (this.#candidates.add(value, wire, peer)) await this.#validate(value);
          });
          return;
        } catch (e) {
          if (e instanceof CodecError) p2p.penalize(peer, 50, "a candidate that does not decode");
        }
      }
    })().finally(() => this.#fetching.delete(k));
  }

  async #serveCandidate(data: Uint8Array): Promise<Uint8Array> {
    const { hash } = decode(CandidateRequest, data);
    const entry = this.#candidates.get(hash);
    if (entry !== undefined) return encode(Candidate, entry.wire);
    const stored = await this.#d.chain.roundOf(hash);
    if (stored !== null) return stored;
    throw new Error("this node has no such candidate");
  }

  async #decide(commit: Commit): Promise<void> {
    const entry = this.#candidates.get(commit.value);
    if (entry?.built === undefined)
      throw new Error(`height ${commit.height} was decided on a candidate this node has not checked`);
    const started = performance.now();
    this.#log.debug({ height: Number(this.#height), round: commit.round, atMs: this.#since() }, "decided");
    // Whether this node should have signed: a member of the set that decided, before the round
    // may hand over to another (staking §2.2).
    const self = this.#signer()?.publicKey;
    const round = await this.#d.chain.commitRound(entry.built, commit);
    this.#count(commit, self);
    // Round 0 decides when the network is well; a later round says a proposer or votes were late.
    if (commit.round > 0)
      this.#log.info({ height: Number(commit.height), round: commit.round }, "decided in a later round");
    await this.#applied(round, performance.now() - started);
    await this.#startHeight();
  }

  /** A round is written, decided here or synced: the mempool and the clients learn of it. */
  async #applied(round: RoundResult, ms: number): Promise<void> {
    this.#lastRoundAt = performance.now();
    this.#d.mempool.decided(round.statuses.map((s) => s.hash));
    for (const e of round.mc.header.evidence) this.#evidence.delete(evidenceKey(e));
    this.#d.onRound(round, ms);
    await this.#d.voteLog.prune(MC_CHAIN, round.mc.header.seqno + 1n);
  }

  /** This node's key while it is a member of the set in force (staking §2.2), else null. */
  #signer(): ConsensusSigner | null {
    const s = this.#d.signer;
    return s !== null && this.#d.chain.validatorSet.indexOf(s.publicKey) >= 0 ? s : null;
  }

  #count(commit: Commit, self: Uint8Array | undefined): void {
    if (self !== undefined && !commit.signatures.some((s) => equalBytes(s.validator, self))) this.#missed++;
  }

  /** Sync is about to write rounds: the machine of the old height stops. */
  #pause(): void {
    this.#machine = null;
    this.#toPropose = null;
    this.#clearTimers();
  }

  /**
   * Sends again what the machine lists (consensus §8.4). For a peer that just connected the
   * proposals go with their candidates: it has none of this height's, and at start the first send
   * reached nobody, so each peer would otherwise ask for it, one by one, before it could vote.
   */
  #resendOwn(peerConnected = false): void {
    if (this.#unsent.length > 0 && this.#d.p2p.peers().length > 0) this.#relayUnsent();
    const m = this.#machine;
    if (m === null) return;
    for (const value of this.#wanted.values())
      if (this.#candidates.get(value) === undefined) this.#fetch(value, this.#height);
    // Sent again as they were logged the first time: no log write here.
    for (const o of m.resend()) {
      if (o.kind === "vote") this.#sendVote(o.vote);
      else if (o.kind === "proposal") this.#sendProposal(o.proposal, peerConnected);
      else if (o.kind === "relay") this.#relay(o.message, peerConnected);
    }
  }
}
