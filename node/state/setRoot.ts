// The root of a small set of leaves, computed in memory from their hashes alone (state §2), with
// nothing placed or written. A contract with a few storage items (a wallet has three) gets its
// storage root this way from the items the node keeps anyway (chain §6.2): updating a stored trie
// for one of them cost a prepare and a commit of their own, 13-18 µs a transfer, against 2.2 here.
import { compareBytes } from "../bytes/index.ts";
import { EMPTY_HASH, groupEnd, HASH_BYTES, KEY_BYTES, nibbleAt, nodeHash } from "./hashing.ts";

/** A leaf as the root needs it: its key and leafHash(key, valueHash) (state §2.2). */
export interface LeafOfSet {
  readonly key: Uint8Array;
  readonly hash: Uint8Array;
}

/** More leaves than this are a stored trie's work (MerkleTrie), not a computation from scratch. */
export const MAX_SET_LEAVES = 1024;

/** state §2: the root hash of exactly `leaves` (any order; keys distinct, 32 bytes each). */
export function rootOfLeaves(leaves: readonly LeafOfSet[]): Uint8Array {
  if (!Array.isArray(leaves)) throw new TypeError("leaves must be an array");
  if (leaves.length > MAX_SET_LEAVES)
    throw new RangeError(`rootOfLeaves: ${leaves.length} leaves; the limit is ${MAX_SET_LEAVES}`);
  for (let n = 0; n < leaves.length; n++) {
    const { key, hash } = leaves[n];
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES)
      throw new TypeError(`leaves[${n}].key must be a Uint8Array of ${KEY_BYTES} bytes`);
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_BYTES)
      throw new TypeError(`leaves[${n}].hash must be a Uint8Array of ${HASH_BYTES} bytes`);
  }
  if (leaves.length === 0) return EMPTY_HASH.slice();
  const sorted = [...leaves].sort((a, b) => compareBytes(a.key, b.key));
  for (let n = 1; n < sorted.length; n++)
    if (compareBytes(sorted[n - 1].key, sorted[n].key) === 0)
      throw new RangeError("rootOfLeaves: two leaves have the same key");
  return subtreeHash(sorted, 0, sorted.length, 0);
}

/**
 * One area per depth for a node's child hashes: hashing is synchronous and a node's area is free
 * again once its hash is taken, so a computation allocates none (an array this size is off-heap).
 */
const childAreas: Uint8Array[] = [];

/** The hash of the subtree holding sorted[lo..hi) (two or more share their first `depth` nibbles). */
function subtreeHash(sorted: readonly LeafOfSet[], lo: number, hi: number, depth: number): Uint8Array {
  if (hi - lo === 1) return sorted[lo].hash;
  let bitmap = 0;
  let count = 0;
  childAreas[depth] ??= new Uint8Array(16 * HASH_BYTES);
  const children = childAreas[depth];
  for (let start = lo; start < hi; ) {
    const end = groupEnd(sorted, start, hi, depth);
    bitmap |= 1 << nibbleAt(sorted[start].key, depth);
    children.set(subtreeHash(sorted, start, end, depth + 1), count * HASH_BYTES);
    count++;
    start = end;
  }
  return nodeHash(bitmap, children.subarray(0, count * HASH_BYTES));
}
