// Maps from a node's hash to the node: the cache of decoded nodes kept between updates, and the
// exact map an update keeps of the nodes it works on. Both key a Map by the hash's first 30 bits,
// a small integer, and check the whole hash on every hit: building a string key per lookup cost
// about a tenth of an update.
import { equalBytes, toHex } from "../bytes/index.ts";
import { hashKey } from "../cache/index.ts";
import { HASH_BYTES } from "./hashing.ts";
import { REF_BYTES, TrieNode } from "./trieNode.ts";

/**
 * The decoded nodes kept between updates, in two generations of one slab each: a node is copied
 * into the newer slab, and when that is full the older one is dropped whole and the newer takes
 * its place. A node found in the older slab is copied into the newer, so what is used stays.
 * A slab holds no object per node (only its index, a Map of numbers), so a cache of every node of
 * a million keys costs the garbage collector nothing; one TrieNode per node (with its arrays and
 * list entry) made each collection of the heap slower than the store reads it saved. A node
 * handed out is a view into a slab, which lives as long as any view of it does.
 *
 * An entry: hash (32) ‖ ref (12) ‖ record length (u16) ‖ record.
 */
export class NodeCache {
  readonly #slabBytes: number;
  #current: Slab | null = null;
  #previous: Slab | null = null;

  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
      throw new RangeError(`cacheBytes must be a non-negative integer, got ${limitBytes}`);
    }
    this.#slabBytes = Math.floor(limitBytes / 2);
  }

  get(hash: Uint8Array): TrieNode | undefined {
    const found = this.#current?.get(hash);
    if (found !== undefined) return found;
    const old = this.#previous?.get(hash);
    if (old !== undefined) this.set(old);
    return old;
  }

  /** Caches `node`, dropping the older generation when the newer is full. */
  set(node: TrieNode): void {
    const bytes = ENTRY_HEADER + node.bytes.length;
    if (bytes > this.#slabBytes) return;
    if (this.#current === null || !this.#current.fits(bytes)) {
      this.#previous = this.#current;
      this.#current = new Slab(this.#slabBytes);
    }
    this.#current.put(node);
  }

  /** Forgets `hash`: a node an update replaced is rarely wanted again. */
  delete(hash: Uint8Array): void {
    this.#current?.delete(hash);
    this.#previous?.delete(hash);
  }

  /** Nodes held. */
  get size(): number {
    return (this.#current?.count ?? 0) + (this.#previous?.count ?? 0);
  }

  /** Bytes of the slabs taken by entries, forgotten ones included until their slab goes. */
  get bytes(): number {
    return (this.#current?.used ?? 0) + (this.#previous?.used ?? 0);
  }
}

const ENTRY_HEADER = HASH_BYTES + REF_BYTES + 2;

class Slab {
  readonly #bytes: Uint8Array;
  /** hashKey of a node's hash → where its entry starts; a later node with the same key wins. */
  readonly #index = new Map<number, number>();
  used = 0;

  constructor(size: number) {
    this.#bytes = new Uint8Array(size);
  }

  get count(): number {
    return this.#index.size;
  }

  fits(bytes: number): boolean {
    return this.used + bytes <= this.#bytes.length;
  }

  put(node: TrieNode): void {
    const at = this.used;
    const slab = this.#bytes;
    slab.set(node.hash, at);
    slab.set(node.ref, at + HASH_BYTES);
    const length = node.bytes.length;
    slab[at + HASH_BYTES + REF_BYTES] = length >>> 8;
    slab[at + HASH_BYTES + REF_BYTES + 1] = length & 0xff;
    slab.set(node.bytes, at + ENTRY_HEADER);
    this.used = at + ENTRY_HEADER + length;
    this.#index.set(hashKey(node.hash), at);
  }

  get(hash: Uint8Array): TrieNode | undefined {
    const at = this.#index.get(hashKey(hash));
    if (at === undefined || !this.#holds(at, hash)) return undefined;
    const slab = this.#bytes;
    const length = (slab[at + HASH_BYTES + REF_BYTES] << 8) | slab[at + HASH_BYTES + REF_BYTES + 1];
    const start = at + ENTRY_HEADER;
    return new TrieNode(
      slab.subarray(at + HASH_BYTES, at + HASH_BYTES + REF_BYTES),
      slab.subarray(start, start + length),
      slab.subarray(at, at + HASH_BYTES),
    );
  }

  delete(hash: Uint8Array): void {
    const key = hashKey(hash);
    const at = this.#index.get(key);
    if (at !== undefined && this.#holds(at, hash)) this.#index.delete(key);
  }

  #holds(at: number, hash: Uint8Array): boolean {
    const slab = this.#bytes;
    for (let i = 0; i < HASH_BYTES; i++) if (slab[at + i] !== hash[i]) return false;
    return true;
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
