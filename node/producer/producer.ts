// The block loop (chain §4.5): a round starts as soon as there is work — messages in the mempool
// or in queues — but no sooner than `minIntervalMs` after the last one started, so messages
// arriving together share a block; with no work, an empty round every `idleIntervalMs` keeps
// time moving. One round at a time: the chain is only ever changed here (the single writer).
import type { Chain, RoundResult } from "../chain/index.ts";
import type { Mempool } from "../mempool/index.ts";

export interface ProducerOptions {
  minIntervalMs?: number;
  idleIntervalMs?: number;
  /** The most messages of each chain in one round (node.json's consensus.maxRoundMessages). */
  maxRoundMessages?: number;
}

export interface ProducerDeps {
  chain: Chain;
  mempool: Mempool;
  /** Unix seconds for block times. */
  now: () => bigint;
  onRound: (round: RoundResult, ms: number) => void;
  /** A round failed (the disk, or a broken invariant): the node must stop. */
  onFatal: (error: unknown) => void;
}

export class Producer {
  readonly #opts: Required<ProducerOptions>;
  readonly #deps: ProducerDeps;
  #stopped = false;
  #wake: (() => void) | null = null;
  /** Ends any sleep, wakeable by a poke or not: stop() must not wait out the interval. */
  #interrupt: (() => void) | null = null;
  #done: Promise<void> = Promise.resolve();

  constructor(options: ProducerOptions, deps: ProducerDeps) {
    this.#opts = {
      minIntervalMs: options.minIntervalMs ?? 50,
      idleIntervalMs: options.idleIntervalMs ?? 1_000,
      maxRoundMessages: options.maxRoundMessages ?? 1_000,
    };
    this.#deps = deps;
  }

  start(): void {
    this.#done = this.#loop();
  }

  /** Something arrived: start a round soon. */
  poke(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#interrupt?.();
    await this.#done;
  }

  #hasWork(): boolean {
    return this.#deps.mempool.size > 0 || this.#deps.chain.queuedMessages > 0;
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#interrupt = done;
      if (wakeable) this.#wake = done;
    });
  }

  async #loop(): Promise<void> {
    const { chain, mempool } = this.#deps;
    let started = performance.now();
    while (!this.#stopped) {
      // The interval runs from the previous round's start: a round that took longer than it is
      // followed at once, so a busy node does not idle between rounds (chain §4.5).
      const wait = started + this.#opts.minIntervalMs - performance.now();
      if (wait > 0) await this.#sleep(wait, false);
      if (this.#stopped) break;
      if (!this.#hasWork()) await this.#sleep(this.#opts.idleIntervalMs, true);
      this.#wake = null;
      if (this.#stopped) break;
      started = performance.now();
      try {
        const round = await chain.produceRound(
          this.#deps.now(),
          mempool.take(Math.min(chain.config.maxBlockTransactions, this.#opts.maxRoundMessages)),
        );
        // What the round took is decided now: its messages have their statuses (chain §7.2).
        mempool.settled(round.statuses.map((s) => s.hash));
        this.#deps.onRound(round, performance.now() - started);
      } catch (e) {
        this.#stopped = true;
        this.#deps.onFatal(e);
      }
    }
  }
}
