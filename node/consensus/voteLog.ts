// The log of this node's own signed messages (consensus §5.1): each vote and proposal is written
// before it is sent, and a restarted node reads back those of its current height, so it never
// signs a second, different vote for a step. It lives in the node's store under one prefix byte
// that the store's owner picks (chain §6.2).
import { decode, encode, type Infer, t } from "../codec/index.ts";
import type { KvStore } from "../store/index.ts";
import type { ChainId } from "./messages.ts";
import { Proposal, Vote } from "./messages.ts";

const Logged = t.variant("LoggedMessage", {
  vote: t.struct("LoggedVote", { vote: Vote }),
  proposal: t.struct("LoggedProposal", { proposal: Proposal }),
});
type Logged = Infer<typeof Logged>;

export class VoteLog {
  readonly #store: KvStore;
  readonly #prefix: number;
  #seq = 0;
  /** Per chain, the height below which this process has pruned the log. */
  readonly #prunedTo = new Map<string, bigint>();
  /**
   * Chains whose log may hold messages below the height pruned to: all at first (a run before
   * this one may have left some), then those written to since their last prune. A node that only
   * follows, or writes synced rounds, prunes without reading the store.
   */
  readonly #clean = new Set<string>();

  constructor(store: KvStore, prefix: number) {
    this.#store = store;
    this.#prefix = prefix;
  }

  #key(chain: ChainId, height: bigint, seq?: number): Uint8Array {
    const k = new Uint8Array(seq === undefined ? 25 : 29);
    const view = new DataView(k.buffer);
    k[0] = this.#prefix;
    view.setBigUint64(1, BigInt.asUintN(64, chain.workchain) ^ 0x8000_0000_0000_0000n);
    view.setBigUint64(9, chain.shard);
    view.setBigUint64(17, height);
    if (seq !== undefined) view.setUint32(25, seq);
    return k;
  }

  /** Resolves once the message is in the store; only then may it be sent. */
  async append(message: { vote: Vote } | { proposal: Proposal }): Promise<void> {
    const [logged, at]: [Logged, Vote | Proposal] =
      "vote" in message
        ? [{ kind: "vote", vote: message.vote }, message.vote]
        : [{ kind: "proposal", proposal: message.proposal }, message.proposal];
    this.#clean.delete(`${at.chain.workchain}:${at.chain.shard}`);
    // On the disk itself before it is sent: a vote lost with a power cut could be signed again
    // differently after the reboot (consensus §5.1). About 0.5 ms a vote here.
    await this.#store.write(
      [{ type: "put", key: this.#key(at.chain, at.height, this.#seq++), value: encode(Logged, logged) }],
      { sync: true },
    );
  }

  /** The messages logged for `height` of `chain`, in the order they were written. */
  async load(chain: ChainId, height: bigint): Promise<{ votes: Vote[]; proposals: Proposal[] }> {
    const out = { votes: [] as Vote[], proposals: [] as Proposal[] };
    // Sequence numbers restart with the process; later writes go after what is read back here.
    for await (const [k, v] of this.#store.entries({
      start: this.#key(chain, height),
      end: this.#key(chain, height + 1n),
    })) {
      const seq = new DataView(k.buffer, k.byteOffset, k.length).getUint32(25);
      if (seq >= this.#seq) this.#seq = seq + 1;
      const logged = decode(Logged, v);
      if (logged.kind === "vote") out.votes.push(logged.vote);
      else out.proposals.push(logged.proposal);
    }
    return out;
  }

  /** Forgets the heights of `chain` below `height`: decided, so their messages can never matter again. */
  async prune(chain: ChainId, height: bigint): Promise<void> {
    // From where the last prune ended: a scan from 0 would walk the deleted entries of every
    // earlier height (LevelDB keeps them until compaction), a little longer at each height.
    const id = `${chain.workchain}:${chain.shard}`;
    const from = this.#prunedTo.get(id) ?? 0n;
    if (from >= height) return;
    if (this.#clean.has(id)) {
      this.#prunedTo.set(id, height);
      return;
    }
    // Clean from here on unless a message is written meanwhile (append takes it back).
    this.#clean.add(id);
    try {
      const ops: { type: "del"; key: Uint8Array }[] = [];
      for await (const [key] of this.#store.entries({
        start: this.#key(chain, from),
        end: this.#key(chain, height),
      }))
        ops.push({ type: "del", key });
      if (ops.length > 0) await this.#store.write(ops);
    } catch (e) {
      this.#clean.delete(id);
      throw e;
    }
    this.#prunedTo.set(id, height);
  }
}
