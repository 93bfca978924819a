// A map from 32-byte hashes to values, bounded by the cost of what it holds, forgetting the least
// recently used entry first: the shard store's caches of decoded accounts and contract storage.
// Only content-addressed entries go in (a key is the hash of its value), so an entry is never
// stale, only absent. Like node/state's node cache it keys a Map by the hash's first bits and checks
// the whole hash on a hit: a hex string per lookup cost more than the lookup. A hit moves
// its entry to the young end at most once per epoch (a run of insertions), since moving it on
// every hit was most of the price of a hit.
import { equalBytes } from "../bytes/index.ts";

interface Entry<V> {
  hash: Uint8Array;
  value: V;
  cost: number;
  epoch: number;
}

const MIN_EPOCH_INSERTS = 1024;

// 30 bits: a small integer V8 hashes without allocating. A collision only replaces an entry.
const keyOf = (h: Uint8Array): number => (h[0] << 22) | (h[1] << 14) | (h[2] << 6) | (h[3] >> 2);

export class Lru<V> {
  readonly maxCost: number;
  // Map keeps insertion order: the first entry is the one used longest ago (to an epoch).
  readonly #entries = new Map<number, Entry<V>>();
  #cost = 0;
  #epoch = 0;
  #inserts = 0;

  constructor(maxCost: number) {
    if (!Number.isSafeInteger(maxCost) || maxCost < 0) throw new RangeError(`maxCost: ${maxCost}`);
    this.maxCost = maxCost;
  }

  get size(): number {
    return this.#entries.size;
  }

  get cost(): number {
    return this.#cost;
  }

  get(hash: Uint8Array): V | undefined {
    const k = keyOf(hash);
    const e = this.#entries.get(k);
    if (e === undefined || !equalBytes(e.hash, hash)) return undefined;
    if (e.epoch !== this.#epoch) {
      this.#entries.delete(k);
      this.#entries.set(k, e);
      e.epoch = this.#epoch;
    }
    return e.value;
  }

  /** Keeps `value` under `hash`, replacing any entry whose key collides with it. */
  set(hash: Uint8Array, value: V, cost: number): void {
    const k = keyOf(hash);
    this.#remove(k);
    if (cost > this.maxCost) return;
    this.#entries.set(k, { hash: hash.slice(), value, cost, epoch: this.#epoch });
    this.#cost += cost;
    // An epoch lasts while a quarter of the entries could be replaced.
    if (++this.#inserts >= Math.max(MIN_EPOCH_INSERTS, this.#entries.size >> 2)) {
      this.#inserts = 0;
      this.#epoch++;
    }
    while (this.#cost > this.maxCost) {
      const [oldest, e] = this.#entries.entries().next().value as [number, Entry<V>];
      this.#entries.delete(oldest);
      this.#cost -= e.cost;
    }
  }

  #remove(k: number): void {
    const e = this.#entries.get(k);
    if (e === undefined) return;
    this.#entries.delete(k);
    this.#cost -= e.cost;
  }
}
