// A byte-bounded LRU of decoded trie nodes, so the hot upper levels of the trie are read from disk
// once. Map iteration order is insertion order, so re-inserting on a hit keeps the least recently
// used entry first.
import { nodeCostBytes, type TrieNode } from "./trieNode.ts";

export class NodeCache {
  readonly #map = new Map<string, TrieNode>();
  readonly #limit: number;
  #bytes = 0;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
      throw new RangeError(`cacheBytes must be a non-negative integer, got ${limitBytes}`);
    }
    this.#limit = limitBytes;
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
    this.delete(id);
    const cost = nodeCostBytes(node);
    if (cost > this.#limit) return;
    this.#map.set(id, node);
    this.#bytes += cost;
    while (this.#bytes > this.#limit) {
      const [oldest, evicted] = this.#map.entries().next().value as [string, TrieNode];
      this.#map.delete(oldest);
      this.#bytes -= nodeCostBytes(evicted);
    }
  }

  delete(id: string): void {
    const node = this.#map.get(id);
    if (node === undefined) return;
    this.#map.delete(id);
    this.#bytes -= nodeCostBytes(node);
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** Map key for a 32-byte hash: a 32-character latin1 string, cheaper to build and compare than hex. */
export function hashId(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("latin1");
}
