// Catching up (consensus §8.2): a node that is behind — new, restarted, cut off — asks a peer for
// the rounds after its head, each with the commit that made it final. It checks every commit
// against the validator set and runs every round again on its own state before writing it, so
// a lying peer can make it wait but never make it write a round the validators did not decide.
import type { Logger } from "pino";
import { equalBytes } from "../bytes/index.ts";
import { type Chain, ChainError, MC_CHAIN, type RoundResult } from "../chain/index.ts";
import { CodecError, decode, encode, encodeArrayOf, encodeStructOf } from "../codec/index.ts";
import {
  Commit,
  commitError,
  commitSignatureChecks,
  type SignatureCheck,
  sameChain,
} from "../consensus/index.ts";
import { type P2P, P2PError } from "../p2p/index.ts";
import { PROTOCOLS, SyncedRound, SyncRequest, SyncResponse } from "./wire.ts";

/** Rounds asked for at once; a response stops early at half its byte cap. */
const BATCH = 256;
const RESPONSE_BUDGET = 16 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
/** Candidates are checked against the commit, not the clock: a synced round may be old or new. */
const ANY_TIME = 2n ** 64n - 1n;

export interface SyncerDeps {
  chain: Chain;
  p2p: P2P;
  logger: Logger;
  /**
   * ed25519 checks, each answered as node/crypto's `verify` would: the node's worker pool, so the
   * commits' signatures (three or more a round, more than the run of an empty round) are checked
   * on another core while rounds are written. Without it, on this thread as each is written.
   */
  verify?: (checks: readonly SignatureCheck[]) => Promise<boolean[]>;
  /** Runs a task on the driver's single-writer queue. */
  enqueue: (task: () => Promise<void>) => void;
  /** A round was written. */
  apply: (round: RoundResult, ms: number) => Promise<void>;
  /** Before the first round is written: the consensus of the old height stops. */
  beforeApply: () => void;
  /** Sync is over (caught up, or no peer had more): consensus resumes at the head. */
  afterSync: () => void;
}

export class Syncer {
  readonly #d: SyncerDeps;
  readonly #log: Logger;
  #running = false;
  #stopped = false;
  /** Blocks synced since start, for metrics. */
  synced = 0;

  constructor(deps: SyncerDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ module: "sync" });
  }

  get running(): boolean {
    return this.#running;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Answers other nodes' sync requests from this node's final rounds. */
  serve(): void {
    const { chain, p2p } = this.#d;
    p2p.handle(PROTOCOLS.sync, async (data) => {
      let request: { from: bigint; count: number };
      try {
        request = decode(SyncRequest, data);
      } catch (e) {
        if (e instanceof CodecError)
          throw new P2PError("P2P_BAD_REQUEST", `a sync request that does not decode: ${e.message}`);
        throw e;
      }
      // Each round from its stored encodings, not decoded and encoded again (a candidate may be
      // many MiB).
      const rounds: Uint8Array[] = [];
      let bytes = 0;
      const head = chain.head.mc.header.seqno;
      const count = BigInt(Math.min(request.count, BATCH));
      for (let s = request.from; s <= head && s < request.from + count; s++) {
        const hash = await chain.blockHashAt(MC_CHAIN.workchain, s);
        if (hash === null) break;
        const [commit, wire] = await Promise.all([chain.commit(hash), chain.roundOf(hash)]);
        if (commit === null || wire === null) break;
        // Sizes as encoded (plus a little framing), so the answer stays under its cap; a round
        // alone is always under it, since a candidate is at most 16 MiB.
        const round = encodeStructOf(SyncedRound, [wire, encode(Commit, commit)]);
        if (rounds.length > 0 && bytes + round.length > RESPONSE_BUDGET) break;
        rounds.push(round);
        bytes += round.length;
      }
      return encodeStructOf(SyncResponse, [encodeArrayOf(rounds)]);
    });
  }

  /** A peer may be ahead: catch up from it (and the others) unless a sync runs already. */
  poke(peer: string): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    void this.#run(peer).finally(() => {
      this.#running = false;
      if (!this.#stopped) this.#d.afterSync();
    });
  }

  async #run(first: string): Promise<void> {
    const { chain, p2p } = this.#d;
    let progress = true;
    while (progress && !this.#stopped) {
      progress = false;
      const peers = [first, ...p2p.peers().filter((p) => p !== first)];
      for (const peer of peers) {
        let next = this.#fetch(peer, chain.head.mc.header.seqno + 1n);
        for (;;) {
          // No more than were asked for: each costs signature checks.
          const rounds = (await next)?.slice(0, BATCH);
          if (this.#stopped || rounds === undefined || rounds.length === 0) break;
          // The next batch is asked for while this one is written, and this one's commit
          // signatures are checked on another core meanwhile.
          next = this.#fetch(peer, rounds[rounds.length - 1].commit.height + 1n);
          const verdicts = rounds.map((r) => this.#checkAhead(r.commit));
          const written = await this.#onQueue(() => this.#write(rounds, verdicts, peer));
          if (written > 0) progress = true;
          if (written < rounds.length) break;
        }
        if (progress) break;
      }
    }
  }

  /** The signature checks of a commit, asked for ahead (commitSignatureChecks says when). */
  #checkAhead(commit: Commit): Promise<boolean[]> | undefined {
    const { chain } = this.#d;
    const verify = this.#d.verify;
    if (verify === undefined) return undefined; // commitError checks them itself, when written
    const checks = commitSignatureChecks(chain.genesisHash, chain.validatorSet, commit);
    return checks === null ? undefined : verify(checks);
  }

  /** A batch of rounds from `peer`, from seqno `from` on; null when it failed to answer well. */
  async #fetch(peer: string, from: bigint): Promise<SyncedRound[] | null> {
    const p2p = this.#d.p2p;
    if (this.#stopped) return null;
    try {
      const bytes = await p2p.request(
        peer,
        PROTOCOLS.sync,
        encode(SyncRequest, { from, count: BATCH }),
        REQUEST_TIMEOUT_MS,
      );
      return decode(SyncResponse, bytes).rounds;
    } catch (e) {
      // Never a rejection: a batch asked for ahead may be left unread.
      if (e instanceof CodecError) p2p.penalize(peer, 50, "a sync response that does not decode");
      else if (!(e instanceof P2PError)) this.#log.error({ err: e, peer }, "a sync request failed");
      return null;
    }
  }

  #onQueue(work: () => Promise<number>): Promise<number> {
    return new Promise((resolve) =>
      this.#d.enqueue(async () => {
        try {
          resolve(await work());
        } catch (e) {
          resolve(0);
          throw e;
        }
      }),
    );
  }

  /** Writes the rounds that follow the head, in order, until one fails a check. */
  async #write(
    rounds: readonly SyncedRound[],
    verdicts: readonly (Promise<boolean[]> | undefined)[],
    peer: string,
  ): Promise<number> {
    const { chain, p2p } = this.#d;
    let written = 0;
    for (const [k, { candidate, commit }] of rounds.entries()) {
      const seqno = chain.head.mc.header.seqno + 1n;
      // Rounds written meanwhile by consensus are skipped; a gap ends the batch.
      if (commit.height < seqno) continue;
      const why =
        commit.height !== seqno || !sameChain(commit.chain, MC_CHAIN)
          ? "a round that does not follow the head"
          : !equalBytes(commit.value, candidate.mcHash)
            ? "a commit for another candidate"
            : commitError(chain.genesisHash, chain.validatorSet, commit, await verdicts[k]);
      if (why !== null) {
        p2p.penalize(peer, 50, `sync: ${why}`);
        break;
      }
      if (written === 0) this.#d.beforeApply();
      const started = performance.now();
      let built: Awaited<ReturnType<Chain["checkRound"]>>;
      try {
        built = await chain.checkRound(candidate, ANY_TIME);
      } catch (e) {
        if (!(e instanceof ChainError)) throw e;
        if (e.code === "CHAIN_CANDIDATE_MISMATCH") {
          // A wrong copy of the candidate the commit names: the peer's fault, not the round's.
          p2p.penalize(peer, 50, `sync: ${e.message}`);
          break;
        }
        if (e.code !== "CHAIN_BAD_CANDIDATE") throw e;
        // A commit by the validators on a round this node runs differently: its execution differs
        // from theirs, which no peer can cause. Say it loudly and take nothing.
        this.#log.error(
          { seqno: Number(seqno), reason: e.message },
          "a committed round does not run the same here",
        );
        break;
      }
      const round = await chain.commitRound(built, commit);
      this.synced++;
      await this.#d.apply(round, performance.now() - started);
      written++;
    }
    if (written > 0) this.#log.info({ rounds: written, head: Number(chain.head.mc.header.seqno) }, "synced");
    return written;
  }
}
