// A byte-bounded LRU of decoded trie records, so the hot upper levels of the trie are read from
// disk once. Map iteration order is insertion order, so re-inserting on a hit keeps the least
// recently used entry first.
import type { RootLeaf, TrieNode } from "./trieNode.ts";

export type CachedRecord = TrieNode | RootLeaf;

const costOf = (record: CachedRecord): number => ("slots" in record ? record.costBytes : 200);

export class NodeCache {
  readonly #map = new Map<string, CachedRecord>();
  readonly #limitBytes: number;
  #bytes = 0;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0)
      throw new RangeError(`limitBytes must be a non-negative integer, got ${limitBytes}`);
    this.#limitBytes = limitBytes;
  }

  get(id: string): CachedRecord | undefined {
    const record = this.#map.get(id);
    if (record !== undefined) {
      this.#map.delete(id);
      this.#map.set(id, record);
    }
    return record;
  }

  set(id: string, record: CachedRecord): void {
    const old = this.#map.get(id);
    if (old !== undefined) {
      this.#bytes -= costOf(old);
      this.#map.delete(id);
    }
    this.#map.set(id, record);
    this.#bytes += costOf(record);
    while (this.#bytes > this.#limitBytes && this.#map.size > 0) {
      const [oldest, value] = this.#map.entries().next().value as [string, CachedRecord];
      this.#map.delete(oldest);
      this.#bytes -= costOf(value);
    }
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
