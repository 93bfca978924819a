// A stored node of the hexary trie (specs/state.md §3.1). A node is its record: one byte array
// whose first 3 + 32n bytes are exactly the preimage of its hash (state §2.3), followed by what a
// reader needs to find its children. So loading a node is one hash check, storing it is free,
// and changing one child is one copy of the array and a few writes, whatever the node's size.
//
//   0x01 ‖ bitmap u16 ‖ childHash(32) × n ‖ leafMask u16 ‖ per child, in nibble order:
//     leaf → key(32) ‖ valueRef(12);  node → ref(12)
//
// A ref is where a record sits in the store's blob log (BLOB_REF_BYTES: segment, offset, length).
//
// A leaf's value hash is not kept: its hash in the parent covers it, and whoever reads the value
// checks the two against each other (state §3.1).
import { equalBytes, toHex } from "../bytes/index.ts";
import { sha256 } from "../crypto/index.ts";
import { BLOB_REF_BYTES } from "../store/index.ts";
import { arena } from "./arena.ts";
import { StateError } from "./errors.ts";
import { HASH_BYTES, KEY_BYTES, leafHash, popcount16, valueHashOf } from "./hashing.ts";

export const VERSION_BYTES = 8;
const NODE_TAG = 0x01;
const LEAF_TAG = 0x00;
export const REF_BYTES = BLOB_REF_BYTES;
const LEAF_META = KEY_BYTES + REF_BYTES;
const NODE_META = REF_BYTES;

/** The longest node record: 16 children, all leaves. */
export const MAX_NODE_BYTES = 3 + 16 * HASH_BYTES + 2 + 16 * LEAF_META;

/** Places a record of `length` bytes in the store and answers its ref (KvStore.placeBlob). */
export type Place = (length: number) => Uint8Array;

export function readVersion(bytes: Uint8Array, at: number): number {
  const high = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  const low = ((bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]) >>> 0;
  return high * 0x1_0000_0000 + low;
}

export function writeVersion(bytes: Uint8Array, at: number, version: number): void {
  const high = Math.floor(version / 0x1_0000_0000);
  const low = version >>> 0;
  bytes[at] = high >>> 24;
  bytes[at + 1] = high >>> 16;
  bytes[at + 2] = high >>> 8;
  bytes[at + 3] = high;
  bytes[at + 4] = low >>> 24;
  bytes[at + 5] = low >>> 16;
  bytes[at + 6] = low >>> 8;
  bytes[at + 7] = low;
}

export interface LeafEntry {
  key: Uint8Array;
  /** Where the leaf's value is stored. */
  valueRef: Uint8Array;
  /** leafHash(key, sha256(value)) (state §2.2). */
  hash: Uint8Array;
}

/** What a rebuilt node holds in one slot: nothing, a leaf, or a node. */
export type Child = null | LeafEntry | TrieNode;

/** A child node as its parent records it: no need to load it to rebuild the parent. */
export interface NodeRef {
  readonly hash: Uint8Array;
  readonly ref: Uint8Array;
}

const isLeafEntry = (child: LeafEntry | NodeRef): child is LeafEntry => "key" in child;

export class TrieNode {
  /** Where its record is stored. */
  readonly ref: Uint8Array;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly bitmap: number;
  readonly leafMask: number;
  readonly #metaStart: number;

  constructor(ref: Uint8Array, bytes: Uint8Array, hash?: Uint8Array) {
    this.ref = ref;
    this.bytes = bytes;
    this.bitmap = (bytes[1] << 8) | bytes[2];
    const hashEnd = 3 + popcount16(this.bitmap) * HASH_BYTES;
    this.leafMask = (bytes[hashEnd] << 8) | bytes[hashEnd + 1];
    this.#metaStart = hashEnd + 2;
    this.hash = hash ?? sha256(bytes.subarray(0, hashEnd));
  }

  get count(): number {
    return popcount16(this.bitmap);
  }

  has(i: number): boolean {
    return ((this.bitmap >>> i) & 1) === 1;
  }

  isLeaf(i: number): boolean {
    return ((this.leafMask >>> i) & 1) === 1;
  }

  #hashAt(i: number): number {
    return 3 + popcount16(this.bitmap & ((1 << i) - 1)) * HASH_BYTES;
  }

  #metaAt(i: number): number {
    const below = (1 << i) - 1;
    const leaves = popcount16(this.leafMask & below);
    const nodes = popcount16(this.bitmap & ~this.leafMask & below);
    return this.#metaStart + leaves * LEAF_META + nodes * NODE_META;
  }

  childHash(i: number): Uint8Array {
    const at = this.#hashAt(i);
    return this.bytes.subarray(at, at + HASH_BYTES);
  }

  /** For a node child, where its record is; for a leaf, where its value is. */
  childRef(i: number): Uint8Array {
    const at = this.#metaAt(i) + (this.isLeaf(i) ? KEY_BYTES : 0);
    return this.bytes.subarray(at, at + REF_BYTES);
  }

  leafKey(i: number): Uint8Array {
    const at = this.#metaAt(i);
    return this.bytes.subarray(at, at + KEY_BYTES);
  }

  leaf(i: number): LeafEntry {
    const at = this.#metaAt(i);
    return {
      key: this.bytes.subarray(at, at + KEY_BYTES),
      valueRef: this.bytes.subarray(at + KEY_BYTES, at + LEAF_META),
      hash: this.childHash(i),
    };
  }

  /**
   * This node with some children replaced, each by a child of the same kind (leaf by leaf, node
   * by node): the layout is unchanged, so the record is copied once and patched in place.
   */
  withSameShape(
    place: Place,
    slots: readonly number[],
    children: ReadonlyArray<LeafEntry | TrieNode>,
  ): TrieNode {
    const bytes = arena.copy(this.bytes);
    for (let n = 0; n < slots.length; n++) {
      const i = slots[n];
      const child = children[n];
      const meta = this.#metaAt(i);
      if (child instanceof TrieNode) {
        bytes.set(child.hash, this.#hashAt(i));
        bytes.set(child.ref, meta);
      } else {
        bytes.set(child.hash, this.#hashAt(i));
        bytes.set(child.key, meta);
        bytes.set(child.valueRef, meta + KEY_BYTES);
      }
    }
    return new TrieNode(place(bytes.length), bytes);
  }
}

/**
 * A node with exactly these 16 children, or what it collapses to (state §2.4): nothing when no
 * child is left, the leaf itself when one leaf is left.
 */
export function makeNode(place: Place, children: ReadonlyArray<null | LeafEntry | NodeRef>): Child {
  let bitmap = 0;
  let leafMask = 0;
  let metaBytes = 0;
  let lone: LeafEntry | null = null;
  for (let i = 0; i < 16; i++) {
    const child = children[i];
    if (child === null) continue;
    bitmap |= 1 << i;
    if (isLeafEntry(child)) {
      leafMask |= 1 << i;
      metaBytes += LEAF_META;
      lone = child;
    } else {
      metaBytes += NODE_META;
    }
  }
  const count = popcount16(bitmap);
  if (count === 0) return null;
  if (count === 1 && lone !== null) return lone;
  const hashEnd = 3 + count * HASH_BYTES;
  const bytes = arena.carve(hashEnd + 2 + metaBytes);
  bytes[0] = NODE_TAG;
  bytes[1] = bitmap >>> 8;
  bytes[2] = bitmap & 0xff;
  bytes[hashEnd] = leafMask >>> 8;
  bytes[hashEnd + 1] = leafMask & 0xff;
  let at = 3;
  let meta = hashEnd + 2;
  for (let i = 0; i < 16; i++) {
    const child = children[i];
    if (child === null) continue;
    if (isLeafEntry(child)) {
      bytes.set(child.hash, at);
      bytes.set(child.key, meta);
      bytes.set(child.valueRef, meta + KEY_BYTES);
      meta += LEAF_META;
    } else {
      bytes.set(child.hash, at);
      bytes.set(child.ref, meta);
      meta += NODE_META;
    }
    at += HASH_BYTES;
  }
  return new TrieNode(place(bytes.length), bytes);
}

/**
 * Reads the node record stored at `ref` and checks that it hashes to `hash`, so a damaged database
 * is reported instead of serving a wrong state. A leaf's key and value are checked against its
 * hash when the value is read (matchingValueHash).
 */
export function decodeNode(hash: Uint8Array, ref: Uint8Array, bytes: Uint8Array): TrieNode {
  const fail = (why: string) => corrupt(hash, why);
  if (bytes.length < 3 || bytes[0] !== NODE_TAG) throw fail("unknown record tag");
  const bitmap = (bytes[1] << 8) | bytes[2];
  const count = popcount16(bitmap);
  const hashEnd = 3 + count * HASH_BYTES;
  if (bitmap === 0 || bytes.length < hashEnd + 2) throw fail("bad length");
  const leafMask = (bytes[hashEnd] << 8) | bytes[hashEnd + 1];
  const leaves = popcount16(leafMask);
  if ((leafMask & ~bitmap) !== 0) throw fail("bad child masks");
  // state §2.4: one leaf alone is never wrapped in a node.
  if (count === 1 && leaves === 1) throw fail("a node holding one leaf");
  if (bytes.length !== hashEnd + 2 + leaves * LEAF_META + (count - leaves) * NODE_META)
    throw fail("bad length");
  const node = new TrieNode(ref, bytes);
  if (!equalBytes(node.hash, hash)) throw fail("node does not match its hash");
  return node;
}

/**
 * state §3.2: the record of a root: a node root is found by its ref; a root that is a single
 * leaf is the leaf itself.
 */
export type RootRecord = { kind: "node"; ref: Uint8Array } | { kind: "leaf"; leaf: LeafEntry };

export function encodeRoot(root: RootRecord): Uint8Array {
  if (root.kind === "node") {
    const out = new Uint8Array(1 + REF_BYTES);
    out[0] = NODE_TAG;
    out.set(root.ref, 1);
    return out;
  }
  const out = new Uint8Array(1 + LEAF_META);
  out[0] = LEAF_TAG;
  out.set(root.leaf.key, 1);
  out.set(root.leaf.valueRef, 1 + KEY_BYTES);
  return out;
}

export function decodeRoot(hash: Uint8Array, bytes: Uint8Array): RootRecord {
  if (bytes.length === 1 + REF_BYTES && bytes[0] === NODE_TAG) return { kind: "node", ref: bytes.slice(1) };
  if (bytes.length === 1 + LEAF_META && bytes[0] === LEAF_TAG) {
    // The root is this leaf's hash: checked with the value when it is read.
    const leaf: LeafEntry = {
      key: bytes.slice(1, 1 + KEY_BYTES),
      valueRef: bytes.slice(1 + KEY_BYTES),
      hash: hash.slice(),
    };
    return { kind: "leaf", leaf };
  }
  throw corrupt(hash, "bad root record");
}

/** sha256(`value`) if `value` is `leaf`'s: its key and value give the leaf's hash; else undefined. */
export function matchingValueHash(leaf: LeafEntry, value: Uint8Array): Uint8Array | undefined {
  const valueHash = valueHashOf(value);
  return equalBytes(leafHash(leaf.key, valueHash), leaf.hash) ? valueHash : undefined;
}

function corrupt(hash: Uint8Array, why: string): StateError {
  return new StateError("STATE_CORRUPT_NODE", `state node ${toHex(hash)} is corrupt: ${why}`);
}
