// The log of this node's own signed messages (consensus §5.1): each vote and proposal is written
// before it is sent, and a restarted node reads back those of its current height, so it never
// signs a second, different vote for a step. It lives in the node's store under one prefix byte
// that the store's owner picks (chain §6.2).
import { decode, encode, type Infer, t } from "../codec/index.ts";
import { type KvStore, prefixEnd } from "../store/index.ts";
import type { ChainId } from "./messages.ts";
import { Proposal, Vote } from "./messages.ts";

const Logged = t.variant("LoggedMessage", {
  vote: t.struct("LoggedVote", { vote: Vote }),
  proposal: t.struct("LoggedProposal", { proposal: Proposal }),
});
type Logged = Infer<typeof Logged>;

interface Entry {
  height: bigint;
  key: Uint8Array;
  logged: Logged;
}

export class VoteLog {
  readonly #store: KvStore;
  readonly #prefix: number;
  #seq = 0;
  /**
   * Per chain, every message its log holds, in key order: read whole from the store the first
   * time the chain is used in this process (what an earlier run left), then kept by this log's
   * own appends and prunes. Loads and prunes at each height read nothing: a range scan per
   * height each (LevelDB iterators, the prune's over the deletes of the height before) cost the
   * validator's thread about 2% of its time under the transfer load.
   */
  readonly #chains = new Map<string, Promise<Entry[]>>();

  constructor(store: KvStore, prefix: number) {
    this.#store = store;
    this.#prefix = prefix;
  }

  #key(chain: ChainId, height: bigint, seq: number): Uint8Array {
    const k = new Uint8Array(29);
    const view = new DataView(k.buffer);
    k[0] = this.#prefix;
    view.setBigUint64(1, BigInt.asUintN(64, chain.workchain) ^ 0x8000_0000_0000_0000n);
    view.setBigUint64(9, chain.shard);
    view.setBigUint64(17, height);
    view.setUint32(25, seq);
    return k;
  }

  #entries(chain: ChainId): Promise<Entry[]> {
    const id = `${chain.workchain}:${chain.shard}`;
    let entries = this.#chains.get(id);
    if (entries === undefined) {
      entries = this.#readAll(chain);
      this.#chains.set(id, entries);
      // A failed read is tried again by the next caller.
      entries.catch(() => this.#chains.delete(id));
    }
    return entries;
  }

  async #readAll(chain: ChainId): Promise<Entry[]> {
    const out: Entry[] = [];
    const start = this.#key(chain, 0n, 0);
    // Past every height: after every key with the chain's 17-byte prefix.
    const end = prefixEnd(start.subarray(0, 17));
    for await (const [k, v] of this.#store.entries({ start, end })) {
      const view = new DataView(k.buffer, k.byteOffset, k.length);
      // Sequence numbers restart with the process; later writes go after what is read back here.
      const seq = view.getUint32(25);
      if (seq >= this.#seq) this.#seq = seq + 1;
      out.push({ height: view.getBigUint64(17), key: k, logged: decode(Logged, v) });
    }
    return out;
  }

  /** Resolves once the message is in the store; only then may it be sent. */
  async append(message: { vote: Vote } | { proposal: Proposal }): Promise<void> {
    const [logged, at]: [Logged, Vote | Proposal] =
      "vote" in message
        ? [{ kind: "vote", vote: message.vote }, message.vote]
        : [{ kind: "proposal", proposal: message.proposal }, message.proposal];
    const entries = await this.#entries(at.chain);
    const key = this.#key(at.chain, at.height, this.#seq++);
    // On the disk itself before it is sent: a vote lost with a power cut could be signed again
    // differently after the reboot (consensus §5.1). About 0.5 ms a vote here.
    await this.#store.write([{ type: "put", key, value: encode(Logged, logged) }], { sync: true });
    entries.push({ height: at.height, key, logged });
  }

  /** The messages logged for `height` of `chain`, in the order they were written. */
  async load(chain: ChainId, height: bigint): Promise<{ votes: Vote[]; proposals: Proposal[] }> {
    const out = { votes: [] as Vote[], proposals: [] as Proposal[] };
    for (const { height: h, logged } of await this.#entries(chain)) {
      if (h !== height) continue;
      if (logged.kind === "vote") out.votes.push(logged.vote);
      else out.proposals.push(logged.proposal);
    }
    return out;
  }

  /** Forgets the heights of `chain` below `height`: decided, so their messages can never matter again. */
  async prune(chain: ChainId, height: bigint): Promise<void> {
    const entries = await this.#entries(chain);
    const gone = entries.filter((e) => e.height < height);
    if (gone.length === 0) return;
    await this.#store.write(gone.map((e) => ({ type: "del", key: e.key })));
    // In place, and only those deleted: appends made while the deletes were written stay.
    const deleted = new Set(gone);
    const left = entries.filter((e) => !deleted.has(e));
    entries.length = 0;
    entries.push(...left);
  }
}
