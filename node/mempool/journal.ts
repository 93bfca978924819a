// The mempool's journal (chain §7.3): every accepted message is on disk before the node answers
// "accepted", so a crash or a restart does not lose it. A message leaves the journal once a
// round has decided it; an entry that outlives its round (a crash between the two writes) is
// recognised on load by the status the round wrote, and dropped then.
import type { KvStore, WriteOp } from "../store/index.ts";

/** "P" ‖ message hash → arrival number (u64, big-endian) ‖ the message's encoding. */
const PREFIX = 0x50;
const SEQ_BYTES = 8;

export interface JournalEntry {
  hash: Uint8Array;
  bytes: Uint8Array;
}

function keyOf(hash: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + hash.length);
  k[0] = PREFIX;
  k.set(hash, 1);
  return k;
}

export class MempoolJournal {
  readonly #store: KvStore;
  #nextSeq = 0n;
  #batch: WriteOp[] = [];
  #flush: Promise<void> | null = null;

  constructor(store: KvStore) {
    this.#store = store;
  }

  /** The entries on disk, oldest first; later `add`s number after them. */
  async load(): Promise<JournalEntry[]> {
    const found: { seq: bigint; entry: JournalEntry }[] = [];
    for await (const [k, v] of this.#store.entries({
      start: Uint8Array.of(PREFIX),
      end: Uint8Array.of(PREFIX + 1),
    })) {
      if (k.length !== 33 || v.length < SEQ_BYTES) throw new Error(`mempool journal: a damaged entry`);
      const seq = new DataView(v.buffer, v.byteOffset, SEQ_BYTES).getBigUint64(0);
      found.push({ seq, entry: { hash: k.slice(1), bytes: v.slice(SEQ_BYTES) } });
      if (seq >= this.#nextSeq) this.#nextSeq = seq + 1n;
    }
    found.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return found.map((f) => f.entry);
  }

  /**
   * Writes a message; resolves once it is in the store. Messages accepted together (an RPC batch)
   * share one write.
   */
  add(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    const value = new Uint8Array(SEQ_BYTES + bytes.length);
    new DataView(value.buffer).setBigUint64(0, this.#nextSeq++);
    value.set(bytes, SEQ_BYTES);
    this.#batch.push({ type: "put", key: keyOf(hash), value });
    this.#flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const ops = this.#batch;
      this.#batch = [];
      this.#flush = null;
      return this.#store.write(ops);
    });
    return this.#flush;
  }

  /**
   * Forgets decided messages. It never fails: an entry it could not delete (a store closing at
   * shutdown) is dropped on the next load, when its status shows it was decided.
   */
  remove(hashes: readonly Uint8Array[]): Promise<void> {
    if (hashes.length === 0) return Promise.resolve();
    return this.#store.write(hashes.map((h) => ({ type: "del", key: keyOf(h) }))).catch(() => {});
  }
}
