// The mempool (chain §7.1): external messages wait here for a block. A message is checked before
// it is taken — its encoding and size, then the contract's own acceptance: the destination's code
// runs up to its ACCEPT against the newest final state (Chain.checkExternal), and a message the
// contract would not ACCEPT is refused with the contract's reason. The check runs on the chain's host, so the
// signature it verifies is remembered and not checked again when the block runs the message.

import { toHex } from "../bytes/index.ts";
import { type Chain, type ExternalMessage, refusalText, WORKCHAINS } from "../chain/index.ts";
import { CodecError, decode, decodeViews } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import { Message } from "../ledger/index.ts";
import type { KvStore } from "../store/index.ts";
import { MempoolError } from "./errors.ts";
import type { MempoolJournal } from "./journal.ts";

export interface MempoolOptions {
  /** Longest accepted message encoding. */
  maxMessageBytes?: number;
  /** Most messages waiting at once. */
  maxPending?: number;
}

export interface MempoolDeps {
  chain: Chain;
  /** Where accepted messages wait across restarts (chain §7.3); without it they live in memory only. */
  journal?: MempoolJournal;
  /** A store that may still hold the journal of formats before 5, which `restore` moves over. */
  store?: KvStore;
  /** Unix seconds. */
  now: () => bigint;
  /**
   * A message was taken: the block loop may start a round. `local` ones came from this node's
   * clients and are for the node to pass on to its peers (chain §7.4); `peer` ones came from them.
   */
  onAccepted?: (message: ExternalMessage, origin: Origin) => void;
}

export type Origin = "local" | "peer";

/**
 * How many decided messages one generation of `#decided` holds: two of them span the rounds of
 * seconds at the highest rates, the time in which a copy a peer passes on may come late.
 */
export const DECIDED_GENERATION = 16_384;

export class Mempool {
  readonly maxMessageBytes: number;
  readonly maxPending: number;
  readonly #deps: MempoolDeps;
  // Insertion order is arrival order, which is the order blocks take messages in.
  readonly #pending = new Map<string, ExternalMessage>();
  readonly #journal: MempoolJournal | null;
  /** What the last `take` handed to a round: decided once the next `take` comes (the single writer). */
  #taken: Uint8Array[] = [];
  /** The same, by hex, until their round is written. */
  #inRound = new Set<string>();
  /**
   * Messages recent rounds decided, newer and older generation: a late copy is not taken again.
   * Generations, so that forgetting the oldest is one drop of a set, not a sweep or a rebuild.
   */
  #decided = new Set<string>();
  #decidedBefore = new Set<string>();
  /** Submissions between their checks and the answer. */
  #checking = 0;

  constructor(options: MempoolOptions, deps: MempoolDeps) {
    this.maxMessageBytes = options.maxMessageBytes ?? 64 * 1024;
    this.maxPending = options.maxPending ?? 50_000;
    this.#deps = deps;
    this.#journal = deps.journal ?? null;
  }

  /**
   * Takes back the messages the journal holds (chain §7.3), in their arrival order, except those a
   * round has made final. Call once, before the first round; returns how many wait again.
   */
  async restore(): Promise<number> {
    if (this.#journal === null) return 0;
    const decided: Uint8Array[] = [];
    const entries = await this.#journal.load();
    const older = this.#deps.store === undefined ? [] : await this.#journal.adopt(this.#deps.store);
    for (const { hash, bytes } of [...older, ...entries]) {
      // Final: its round was written before the stop. A refused one may have been sent again
      // (it keeps its entry then); its round decides it anew, with the same answer otherwise.
      if ((await this.#deps.chain.messageStatus(hash))?.kind === "final") {
        decided.push(hash);
        continue;
      }
      // The journal holds only what submit() accepted: external inbound messages.
      const message = decode(Message, bytes);
      if (message.kind !== "externalIn")
        throw new Error("mempool journal: an entry that is not an external message");
      this.#pending.set(toHex(hash), { hash, message, bytes });
    }
    await this.#journal.remove(decided);
    for (const m of this.#pending.values()) this.#deps.onAccepted?.(m, "local");
    return this.#pending.size;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** True while the message waits or is in the round being built (chain §7.2: `accepted`). */
  has(hash: Uint8Array): boolean {
    const k = toHex(hash);
    return this.#pending.has(k) || this.#inRound.has(k);
  }

  /** A round was written: its messages have their statuses now (chain §7.2). */
  settled(hashes: readonly Uint8Array[]): void {
    for (const h of hashes) this.#inRound.delete(toHex(h));
  }

  /**
   * The checks a message meets before anything runs it (chain §7.1): size, codec, an external
   * inbound message, a workchain that exists. Returns it with its hash, or throws a MempoolError;
   * `use` ends the refusal of another kind of message ("… can be sent to a node").
   */
  decodeExternal(bytes: Uint8Array, use = "sent to a node"): ExternalMessage {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes: expected a Uint8Array");
    if (bytes.length > this.maxMessageBytes)
      throw new MempoolError(
        "MEMPOOL_TOO_LARGE",
        `the message is ${bytes.length} bytes, over the limit of ${this.maxMessageBytes}`,
      );
    let message: Message;
    try {
      // Views into `bytes`, which the ExternalMessage keeps with it.
      message = decodeViews(Message, bytes);
    } catch (e) {
      if (e instanceof CodecError)
        throw new MempoolError("MEMPOOL_BAD_MESSAGE", `the message does not decode: ${e.message}`);
      throw e;
    }
    if (message.kind !== "externalIn")
      throw new MempoolError("MEMPOOL_NOT_EXTERNAL", `only external inbound messages can be ${use}`);
    if (!WORKCHAINS.includes(message.dest.workchain as -1n | 0n))
      throw new MempoolError(
        "MEMPOOL_UNKNOWN_WORKCHAIN",
        `workchain ${message.dest.workchain} does not exist`,
      );
    // decode accepted only the canonical encoding, so these bytes are encode(message) and
    // their sha256 is the message's hash (codec §5) without encoding it again.
    return { message, hash: sha256(bytes), bytes };
  }

  /** Checks a message and takes it; returns its hash, or throws a MempoolError saying why not. */
  async submit(bytes: Uint8Array, origin: Origin = "local"): Promise<Uint8Array> {
    const external = this.decodeExternal(bytes);
    const { message, hash } = external;
    const key = toHex(hash);
    if (this.#pending.has(key)) return hash;
    const chain = this.#deps.chain;
    const done = await chain.messageStatus(hash);
    if (done?.kind === "final")
      throw new MempoolError("MEMPOOL_ALREADY_DONE", "this message is already in a final block");
    // Messages being checked count too: a flood of distinct messages must not queue dry runs
    // (each holding its message and its contract's storage) without end.
    if (this.#pending.size + this.#checking >= this.maxPending)
      throw new MempoolError("MEMPOOL_FULL", "the node has too many messages waiting; try again shortly");

    this.#checking++;
    try {
      const result = await chain.checkExternal(external, this.#deps.now());
      if (result.kind === "refused")
        throw new MempoolError("MEMPOOL_REFUSED", refusalText(result), result.exitCode);
      // "accepted" promises the message survives a crash: it is on disk before the answer.
      await this.#journal?.add(hash, bytes);
    } finally {
      this.#checking--;
    }
    // A second check may have taken the same message while this one ran.
    if (!this.#pending.has(key)) {
      const m = { hash, message, bytes };
      this.#pending.set(key, m);
      this.#deps.onAccepted?.(m, origin);
    }
    return hash;
  }

  /**
   * Takes a message another node accepted and passed on (consensus §8.1): the checks of
   * `decodeExternal`, not the contract's run. The node that took it from its client ran that,
   * and the round that includes it runs it again: one the state refuses by then gets a refused
   * status there. Not journaled: its first node holds it across restarts. False when not taken.
   * Its stored status is not read: a copy of a message decided long ago waits until a proposal
   * of this node drops it (`proposable`), where one read per round replaces one per message.
   */
  admit(bytes: Uint8Array): boolean {
    const external = this.decodeExternal(bytes, "passed on");
    const key = toHex(external.hash);
    if (this.#pending.has(key) || this.#inRound.has(key) || this.#wasDecided(key)) return false;
    if (this.#pending.size + this.#checking >= this.maxPending) return false;
    this.#pending.set(key, external);
    this.#deps.onAccepted?.(external, "peer");
    return true;
  }

  /** Removes and returns up to `max` waiting messages per chain, oldest first. */
  take(max: number): { shard: ExternalMessage[]; mc: ExternalMessage[] } {
    // Rounds run one at a time, so the messages of the previous take are decided and written;
    // one refused there and sent again waits anew and keeps its entry.
    void this.#journal?.remove(this.#taken.filter((h) => !this.#pending.has(toHex(h))));
    const shard: ExternalMessage[] = [];
    const mc: ExternalMessage[] = [];
    for (const [k, m] of this.#pending) {
      // Both full: the rest waits, and a full mempool is not walked to its end every round.
      if (shard.length >= max && mc.length >= max) break;
      const list = m.message.dest.workchain === -1n ? mc : shard;
      if (list.length >= max) continue;
      list.push(m);
      this.#pending.delete(k);
    }
    this.#taken = [...shard, ...mc].map((m) => m.hash);
    this.#inRound = new Set(this.#taken.map(toHex));
    return { shard, mc };
  }

  /**
   * Up to `max` waiting messages per chain, oldest first, left waiting (consensus §4.3): a
   * proposal's round may not be the one decided, and its messages then wait for the next.
   */
  peek(
    max: number,
    maxBytes = Number.POSITIVE_INFINITY,
  ): { shard: ExternalMessage[]; mc: ExternalMessage[] } {
    const shard: ExternalMessage[] = [];
    const mc: ExternalMessage[] = [];
    let bytes = 0;
    for (const m of this.#pending.values()) {
      if (shard.length >= max && mc.length >= max) break;
      // A round's candidate has a size limit (chain §4.6): what does not fit waits for the next.
      if (bytes + m.bytes.length > maxBytes) break;
      const list = m.message.dest.workchain === -1n ? mc : shard;
      if (list.length >= max) continue;
      list.push(m);
      bytes += m.bytes.length;
    }
    return { shard, mc };
  }

  /**
   * `peek`, less the messages a final round has run already (chain §7.2), which it drops: what a
   * proposer offers. A peer may pass on one decided long ago, and `admit` does not read statuses.
   */
  async proposable(
    max: number,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<{ shard: ExternalMessage[]; mc: ExternalMessage[] }> {
    const picked = this.peek(max, maxBytes);
    const all = [...picked.shard, ...picked.mc];
    const statuses = await this.#deps.chain.messageStatuses(all.map((m) => m.hash));
    const done = new Set(all.filter((_, i) => statuses[i]?.kind === "final"));
    if (done.size === 0) return picked;
    this.decided([...done].map((m) => m.hash));
    return { shard: picked.shard.filter((m) => !done.has(m)), mc: picked.mc.filter((m) => !done.has(m)) };
  }

  /**
   * A final round, whoever proposed it, gave these messages their statuses (chain §7.2): they wait
   * no more, here or in the journal.
   */
  decided(hashes: readonly Uint8Array[]): void {
    const gone: Uint8Array[] = [];
    for (const h of hashes) {
      const k = toHex(h);
      this.#decided.add(k);
      if (this.#pending.delete(k)) gone.push(h);
    }
    if (this.#decided.size >= DECIDED_GENERATION) {
      this.#decidedBefore = this.#decided;
      this.#decided = new Set();
    }
    if (gone.length > 0) void this.#journal?.remove(gone);
  }

  #wasDecided(key: string): boolean {
    return this.#decided.has(key) || this.#decidedBefore.has(key);
  }
}
