// The hashes that define a state root (specs/state.md §2). Domain bytes keep a leaf from ever
// being read as a node and the other way round.
import { sha256, sha256Concat } from "../crypto/index.ts";

export const KEY_BYTES = 32;
export const HASH_BYTES = 32;
/** The hash of an empty subtree: no known preimage, so no subtree can pose as empty. */
export const EMPTY_HASH: Uint8Array = new Uint8Array(HASH_BYTES);

const LEAF_DOMAIN = new Uint8Array([0x00]);
const NODE_DOMAIN = 0x01;
// Hashing is synchronous, so one input area serves every node hash.
const nodeInput = new Uint8Array(3 + 16 * HASH_BYTES);
nodeInput[0] = NODE_DOMAIN;

/** state §2.2: sha256(0x00 ‖ key ‖ valueHash). */
export function leafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return sha256Concat(LEAF_DOMAIN, key, valueHash);
}

/** state §2.3: sha256(0x01 ‖ bitmap(u16, big-endian) ‖ child hashes in nibble order). */
export function nodeHash(bitmap: number, childHashes: Uint8Array): Uint8Array {
  if (childHashes.length > 16 * HASH_BYTES) {
    throw new RangeError(`a node has at most 16 children, got ${childHashes.length / HASH_BYTES}`);
  }
  nodeInput[1] = bitmap >>> 8;
  nodeInput[2] = bitmap & 0xff;
  nodeInput.set(childHashes, 3);
  return sha256(nodeInput.subarray(0, 3 + childHashes.length));
}

export function valueHashOf(value: Uint8Array): Uint8Array {
  return sha256(value);
}

/** The 4-bit digit of `key` at depth `depth` (0 = the high half of the first byte). */
export function nibbleAt(key: Uint8Array, depth: number): number {
  const byte = key[depth >> 1];
  return depth & 1 ? byte & 0x0f : byte >> 4;
}

/**
 * Where the run of sorted items that share the nibble at `depth` with `items[start]` ends: the
 * groups of keys below one node, walked in place so an update makes no closure per node.
 */
export function groupEnd(
  items: ReadonlyArray<{ key: Uint8Array }>,
  start: number,
  hi: number,
  depth: number,
): number {
  const nibble = nibbleAt(items[start].key, depth);
  let end = start + 1;
  while (end < hi && nibbleAt(items[end].key, depth) === nibble) end++;
  return end;
}

export function popcount16(x: number): number {
  let n = x - ((x >>> 1) & 0x5555);
  n = (n & 0x3333) + ((n >>> 2) & 0x3333);
  n = (n + (n >>> 4)) & 0x0f0f;
  return (n + (n >>> 8)) & 0x1f;
}
