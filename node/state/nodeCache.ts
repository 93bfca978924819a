// A byte-bounded LRU of decoded trie nodes, so the hot upper levels of the trie are read from disk
// once. Map iteration order is insertion order, so re-inserting on a hit keeps the least recently
// used entry first.
import { NODE_COST_BYTES, type TrieNode } from "./trieNode.ts";

export class NodeCache {
  readonly #map = new Map<string, TrieNode>();
  readonly #limit: number;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
      throw new RangeError(`cacheBytes must be a non-negative integer, got ${limitBytes}`);
    }
    this.#limit = Math.floor(limitBytes / NODE_COST_BYTES);
  }

  get(id: string): TrieNode | undefined {
    const node = this.#map.get(id);
    if (node !== undefined) {
      this.#map.delete(id);
      this.#map.set(id, node);
    }
    return node;
  }

  set(id: string, node: TrieNode): void {
    this.#map.delete(id);
    if (this.#limit === 0) return;
    this.#map.set(id, node);
    if (this.#map.size > this.#limit) this.#map.delete(this.#map.keys().next().value as string);
  }

  delete(id: string): void {
    this.#map.delete(id);
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#map.size * NODE_COST_BYTES;
  }
}

/** Map key for a 32-byte hash: a 32-character latin1 string, cheaper to build and compare than hex. */
export function hashId(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("latin1");
}
