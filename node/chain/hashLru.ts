// A map from 32-byte keys (hashes, account ids) to values, bounded by the cost of what it holds,
// forgetting the least recently used entry first: the shard store's caches of decoded accounts
// and contract storage, the chain's contract code and recent message statuses. An entry under a
// hash is never stale, only absent; one under an account id carries the hash of the version it
// holds, which the caller compares. Like node/state's node cache it keys the map by the key's
// first bits and checks the whole key on a hit: a hex string per lookup cost more than the
// lookup.
import { equalBytes } from "../bytes/index.ts";
import { hashKey, Lru } from "../cache/index.ts";

interface Entry<V> {
  hash: Uint8Array;
  value: V;
}

export class HashLru<V> {
  readonly #lru: Lru<number, Entry<V>>;

  constructor(maxCost: number) {
    this.#lru = new Lru({ maxCost });
  }

  get size(): number {
    return this.#lru.size;
  }

  get cost(): number {
    return this.#lru.cost;
  }

  get(hash: Uint8Array): V | undefined {
    const e = this.#lru.get(hashKey(hash));
    return e !== undefined && equalBytes(e.hash, hash) ? e.value : undefined;
  }

  /** Keeps `value` under `hash`, replacing any entry whose key collides with it. */
  set(hash: Uint8Array, value: V, cost: number): void {
    this.#lru.set(hashKey(hash), { hash: hash.slice(), value }, cost);
  }
}
