// Maps from a node's hash to the node: the byte-bounded LRU cache of decoded nodes, and the exact
// map an update keeps of the nodes it works on. Both key a Map by the hash's first 30 bits, a
// small integer, and check the whole hash on every hit: building a string key per lookup cost about a
// tenth of an update. Map iteration order is insertion order, so re-inserting on a hit keeps the
// least recently used entry (to an epoch) first.
import { equalBytes, toHex } from "../bytes/index.ts";
import { nodeCostBytes, type TrieNode } from "./trieNode.ts";

/**
 * The first 30 bits of a hash: a small integer, which V8 keeps unboxed and a Map hashes at once
 * (48 bits made every key a heap number, and lookups cost several times more). Collisions are
 * rare and handled: every hit is checked against the whole hash.
 */
export function hashKey(hash: Uint8Array): number {
  return (hash[0] << 22) | (hash[1] << 14) | (hash[2] << 6) | (hash[3] >>> 2);
}

// A hit moves its node to the young end at most once per epoch (a run of insertions while a
// quarter of the cache could be replaced): moving it on every hit (a Map delete and set) was
// most of the price of a lookup.
const MIN_EPOCH_INSERTS = 1024;

export class NodeCache {
  readonly #map = new Map<number, TrieNode>();
  /** The epoch each cached node was last moved in. */
  readonly #moved = new WeakMap<TrieNode, number>();
  readonly #limit: number;
  #bytes = 0;
  #epoch = 0;
  #inserts = 0;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
      throw new RangeError(`cacheBytes must be a non-negative integer, got ${limitBytes}`);
    }
    this.#limit = limitBytes;
  }

  get(hash: Uint8Array): TrieNode | undefined {
    const key = hashKey(hash);
    const node = this.#map.get(key);
    if (node === undefined || !equalBytes(node.hash, hash)) return undefined;
    if (this.#moved.get(node) !== this.#epoch) {
      this.#map.delete(key);
      this.#map.set(key, node);
      this.#moved.set(node, this.#epoch);
    }
    return node;
  }

  /** Caches `node`, evicting the least recently used nodes (and any other node with its key). */
  set(node: TrieNode): void {
    this.#remove(hashKey(node.hash));
    const cost = nodeCostBytes(node);
    if (cost > this.#limit) return;
    this.#map.set(hashKey(node.hash), node);
    this.#moved.set(node, this.#epoch);
    if (++this.#inserts >= Math.max(MIN_EPOCH_INSERTS, this.#map.size >> 2)) {
      this.#inserts = 0;
      this.#epoch++;
    }
    this.#bytes += cost;
    while (this.#bytes > this.#limit) {
      const [oldest, evicted] = this.#map.entries().next().value as [number, TrieNode];
      this.#map.delete(oldest);
      this.#bytes -= nodeCostBytes(evicted);
    }
  }

  delete(hash: Uint8Array): void {
    const key = hashKey(hash);
    const node = this.#map.get(key);
    if (node !== undefined && equalBytes(node.hash, hash)) this.#remove(key);
  }

  #remove(key: number): void {
    const node = this.#map.get(key);
    if (node === undefined) return;
    this.#map.delete(key);
    this.#bytes -= nodeCostBytes(node);
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** An exact map from hash to node: two nodes whose keys collide both stay reachable. */
export class NodeMap {
  readonly #map = new Map<number, TrieNode>();
  readonly #collided = new Map<string, TrieNode>();

  get(hash: Uint8Array): TrieNode | undefined {
    const node = this.#map.get(hashKey(hash));
    if (node === undefined) return undefined;
    return equalBytes(node.hash, hash) ? node : this.#collided.get(toHex(hash));
  }

  has(hash: Uint8Array): boolean {
    return this.get(hash) !== undefined;
  }

  set(node: TrieNode): void {
    const key = hashKey(node.hash);
    const held = this.#map.get(key);
    if (held === undefined || equalBytes(held.hash, node.hash)) this.#map.set(key, node);
    else this.#collided.set(toHex(node.hash), node);
  }
}
