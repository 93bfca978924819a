// Maps from a node's hash to the node: the byte-bounded LRU cache of decoded nodes, and the exact
// map an update keeps of the nodes it works on. Both key a Map by the hash's first 30 bits, a
// small integer, and check the whole hash on every hit: building a string key per lookup cost about a
// tenth of an update.
import { equalBytes, toHex } from "../bytes/index.ts";
import { hashKey, Lru } from "../cache/index.ts";
import { nodeCostBytes, type TrieNode } from "./trieNode.ts";

export class NodeCache {
  readonly #lru: Lru<number, TrieNode>;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
      throw new RangeError(`cacheBytes must be a non-negative integer, got ${limitBytes}`);
    }
    this.#lru = new Lru({ maxCost: limitBytes });
  }

  get(hash: Uint8Array): TrieNode | undefined {
    const node = this.#lru.get(hashKey(hash));
    return node !== undefined && equalBytes(node.hash, hash) ? node : undefined;
  }

  /** Caches `node`, evicting the least recently used nodes (and any other node with its key). */
  set(node: TrieNode): void {
    this.#lru.set(hashKey(node.hash), node, nodeCostBytes(node));
  }

  delete(hash: Uint8Array): void {
    const key = hashKey(hash);
    const node = this.#lru.peek(key);
    if (node !== undefined && equalBytes(node.hash, hash)) this.#lru.delete(key);
  }

  get size(): number {
    return this.#lru.size;
  }

  get bytes(): number {
    return this.#lru.cost;
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
