// A stored node of the hexary trie and its record format (specs/state.md §3). A node keeps its
// 16 children in one buffer of fixed slots so that an update copies one array, not 16 objects.
import { StateError } from "./errors.ts";
import { HASH_BYTES, KEY_BYTES, leafHash, nodeHash, popcount16 } from "./hashing.ts";

/** Slot layout: childHash(32) ‖ key(32) ‖ valueHash(32); key and valueHash only for leaf children. */
export const SLOT_BYTES = 96;
const KEY_AT = 32;
const VALUE_AT = 64;

const NODE_TAG = 0x01;
const LEAF_TAG = 0x00;
const NODE_HEADER = 5;
export const LEAF_RECORD_BYTES = 1 + KEY_BYTES + HASH_BYTES;

export class TrieNode {
  hash: Uint8Array;
  /** Bit i set: child i is present. */
  readonly bitmap: number;
  /** Bit i set: child i is a leaf (its key and value hash are in the slot). */
  readonly leafMask: number;
  readonly slots: Uint8Array;
  /** Bit i set: slot i's child hash is filled in (leaf hashes are computed when first needed). */
  known: number;

  constructor(bitmap: number, leafMask: number, slots: Uint8Array, known: number, hash?: Uint8Array) {
    this.bitmap = bitmap;
    this.leafMask = leafMask;
    this.slots = slots;
    this.known = known;
    this.hash = hash ?? this.computeHash();
  }

  isLeaf(i: number): boolean {
    return ((this.leafMask >>> i) & 1) === 1;
  }

  has(i: number): boolean {
    return ((this.bitmap >>> i) & 1) === 1;
  }

  childHash(i: number): Uint8Array {
    const at = i * SLOT_BYTES;
    if (!((this.known >>> i) & 1)) {
      this.slots.set(leafHash(this.leafKey(i), this.leafValueHash(i)), at);
      this.known |= 1 << i;
    }
    return this.slots.subarray(at, at + HASH_BYTES);
  }

  leafKey(i: number): Uint8Array {
    const at = i * SLOT_BYTES + KEY_AT;
    return this.slots.subarray(at, at + KEY_BYTES);
  }

  leafValueHash(i: number): Uint8Array {
    const at = i * SLOT_BYTES + VALUE_AT;
    return this.slots.subarray(at, at + HASH_BYTES);
  }

  /** state §2.3 */
  computeHash(): Uint8Array {
    const hashes = new Uint8Array(popcount16(this.bitmap) * HASH_BYTES);
    let n = 0;
    for (let i = 0; i < 16; i++) {
      if (!this.has(i)) continue;
      hashes.set(this.childHash(i), n);
      n += HASH_BYTES;
    }
    return nodeHash(this.bitmap, hashes);
  }

  /** Approximate heap cost, for the cache's byte budget. */
  get costBytes(): number {
    return this.slots.byteLength + 200;
  }
}

/** Builder for a node's slots: start empty or from an existing node, set children, then seal. */
export class NodeBuilder {
  bitmap = 0;
  leafMask = 0;
  known = 0;
  readonly slots: Uint8Array;

  constructor(from?: TrieNode) {
    if (from) {
      this.slots = from.slots.slice();
      this.bitmap = from.bitmap;
      this.leafMask = from.leafMask;
      this.known = from.known;
    } else {
      this.slots = new Uint8Array(16 * SLOT_BYTES);
    }
  }

  clear(i: number): void {
    const bit = 1 << i;
    this.bitmap &= ~bit;
    this.leafMask &= ~bit;
    this.known &= ~bit;
  }

  setNode(i: number, hash: Uint8Array): void {
    const bit = 1 << i;
    this.slots.set(hash, i * SLOT_BYTES);
    this.bitmap |= bit;
    this.leafMask &= ~bit;
    this.known |= bit;
  }

  setLeaf(i: number, key: Uint8Array, valueHash: Uint8Array, hash?: Uint8Array): void {
    const bit = 1 << i;
    const at = i * SLOT_BYTES;
    this.slots.set(key, at + KEY_AT);
    this.slots.set(valueHash, at + VALUE_AT);
    this.bitmap |= bit;
    this.leafMask |= bit;
    if (hash) {
      this.slots.set(hash, at);
      this.known |= bit;
    } else {
      this.known &= ~bit;
    }
  }

  seal(): TrieNode {
    return new TrieNode(this.bitmap, this.leafMask, this.slots, this.known);
  }
}

/** state §3.1: 0x01 ‖ bitmap u16 ‖ leafMask u16 ‖ per present child: key ‖ valueHash (leaf) or hash (node). */
export function encodeNode(node: TrieNode): Uint8Array {
  const leaves = popcount16(node.leafMask);
  const inner = popcount16(node.bitmap) - leaves;
  const out = new Uint8Array(NODE_HEADER + leaves * 2 * HASH_BYTES + inner * HASH_BYTES);
  out[0] = NODE_TAG;
  out[1] = node.bitmap >>> 8;
  out[2] = node.bitmap & 0xff;
  out[3] = node.leafMask >>> 8;
  out[4] = node.leafMask & 0xff;
  let at = NODE_HEADER;
  for (let i = 0; i < 16; i++) {
    if (!node.has(i)) continue;
    const slot = i * SLOT_BYTES;
    if (node.isLeaf(i)) {
      out.set(node.slots.subarray(slot + KEY_AT, slot + SLOT_BYTES), at);
      at += 2 * HASH_BYTES;
    } else {
      out.set(node.slots.subarray(slot, slot + HASH_BYTES), at);
      at += HASH_BYTES;
    }
  }
  return out;
}

export interface RootLeaf {
  key: Uint8Array;
  valueHash: Uint8Array;
}

/** state §3.2: a root that is a single leaf is stored as 0x00 ‖ key ‖ valueHash. */
export function encodeRootLeaf(leaf: RootLeaf): Uint8Array {
  const out = new Uint8Array(LEAF_RECORD_BYTES);
  out[0] = LEAF_TAG;
  out.set(leaf.key, 1);
  out.set(leaf.valueHash, 1 + KEY_BYTES);
  return out;
}

/**
 * Decodes a record read under `hash` and checks that it hashes to `hash`, so a damaged database
 * is reported instead of serving a wrong state.
 */
export function decodeRecord(hash: Uint8Array, bytes: Uint8Array): TrieNode | RootLeaf {
  const fail = (why: string) =>
    new StateError("STATE_CORRUPT_NODE", `state node ${hex(hash)} is corrupt: ${why}`);
  if (bytes.length === LEAF_RECORD_BYTES && bytes[0] === LEAF_TAG) {
    const key = bytes.slice(1, 1 + KEY_BYTES);
    const valueHash = bytes.slice(1 + KEY_BYTES);
    if (!sameHash(leafHash(key, valueHash), hash)) throw fail("leaf does not match its hash");
    return { key, valueHash };
  }
  if (bytes.length < NODE_HEADER || bytes[0] !== NODE_TAG) throw fail("unknown record tag");
  const bitmap = (bytes[1] << 8) | bytes[2];
  const leafMask = (bytes[3] << 8) | bytes[4];
  const leaves = popcount16(leafMask);
  const inner = popcount16(bitmap) - leaves;
  if (bitmap === 0 || (leafMask & ~bitmap) !== 0) throw fail("bad child masks");
  // state §2.4: one leaf alone is never wrapped in a node.
  if (popcount16(bitmap) === 1 && leafMask !== 0) throw fail("a node holding one leaf");
  if (bytes.length !== NODE_HEADER + leaves * 2 * HASH_BYTES + inner * HASH_BYTES) throw fail("bad length");
  const slots = new Uint8Array(16 * SLOT_BYTES);
  let known = 0;
  let at = NODE_HEADER;
  for (let i = 0; i < 16; i++) {
    if (!((bitmap >>> i) & 1)) continue;
    const slot = i * SLOT_BYTES;
    if ((leafMask >>> i) & 1) {
      slots.set(bytes.subarray(at, at + 2 * HASH_BYTES), slot + KEY_AT);
      at += 2 * HASH_BYTES;
    } else {
      slots.set(bytes.subarray(at, at + HASH_BYTES), slot);
      known |= 1 << i;
      at += HASH_BYTES;
    }
  }
  const node = new TrieNode(bitmap, leafMask, slots, known);
  if (!sameHash(node.hash, hash)) throw fail("node does not match its hash");
  return node;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
