// A stored node of the hexary trie and its record format (specs/state.md §3). A node keeps its
// children in one buffer of fixed-size slots, one per present child in nibble order, so that a
// million-key trie's ~330k nodes (most of the deepest ones holding 2 or 3 leaves) fit in memory
// and an update copies one array, not 16 objects. A child is found on disk by the version that
// wrote it and its path, both known to the parent.
import { toHex } from "../bytes/index.ts";
import { StateError } from "./errors.ts";
import { HASH_BYTES, KEY_BYTES, leafHash, nodeHash, popcount16 } from "./hashing.ts";

/** Slot layout: childHash(32) ‖ key(32) ‖ valueHash(32) ‖ version(8); key and valueHash only for leaves. */
export const SLOT_BYTES = 104;
const KEY_AT = 32;
const VALUE_AT = 64;
const VERSION_AT = 96;
export const VERSION_BYTES = 8;

const NODE_TAG = 0x01;
const LEAF_TAG = 0x00;
const NODE_HEADER = 5;
const LEAF_ENTRY = SLOT_BYTES;
const ROOT_LEAF = KEY_BYTES + HASH_BYTES + VERSION_BYTES;
const NODE_ENTRY = HASH_BYTES + VERSION_BYTES;

/** Copies `n` bytes; for the short runs here a loop beats creating a subarray to `set` from. */
export function copyBytes(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}

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

const childHashes = new Uint8Array(16 * HASH_BYTES);

export class TrieNode {
  hash: Uint8Array;
  /** The update that wrote this node: with the node's path, where its record is stored. */
  readonly version: number;
  /** Bit i set: child i is present. */
  readonly bitmap: number;
  /** Bit i set: child i is a leaf (its key, value hash and value version are in the slot). */
  readonly leafMask: number;
  /** One slot per present child, in nibble order. */
  readonly slots: Uint8Array;
  /** Bit i set: child i's hash is filled in (leaf hashes are computed when first needed). */
  known: number;

  constructor(version: number, bitmap: number, leafMask: number, slots: Uint8Array, known: number) {
    this.version = version;
    this.bitmap = bitmap;
    this.leafMask = leafMask;
    this.slots = slots;
    this.known = known;
    this.hash = this.computeHash();
  }

  isLeaf(i: number): boolean {
    return ((this.leafMask >>> i) & 1) === 1;
  }

  has(i: number): boolean {
    return ((this.bitmap >>> i) & 1) === 1;
  }

  /** Where child i's slot starts. */
  slotAt(i: number): number {
    return popcount16(this.bitmap & ((1 << i) - 1)) * SLOT_BYTES;
  }

  childHash(i: number): Uint8Array {
    const at = this.slotAt(i);
    if (!((this.known >>> i) & 1)) {
      this.slots.set(leafHash(this.leafKey(i), this.leafValueHash(i)), at);
      this.known |= 1 << i;
    }
    return this.slots.subarray(at, at + HASH_BYTES);
  }

  /** For a node child, the version that wrote it; for a leaf, the version that wrote its value. */
  childVersion(i: number): number {
    return readVersion(this.slots, this.slotAt(i) + VERSION_AT);
  }

  leafKey(i: number): Uint8Array {
    const at = this.slotAt(i) + KEY_AT;
    return this.slots.subarray(at, at + KEY_BYTES);
  }

  leafValueHash(i: number): Uint8Array {
    const at = this.slotAt(i) + VALUE_AT;
    return this.slots.subarray(at, at + HASH_BYTES);
  }

  /** state §2.3 */
  computeHash(): Uint8Array {
    let at = 0;
    let n = 0;
    for (let i = 0; i < 16; i++) {
      if (!this.has(i)) continue;
      if (!((this.known >>> i) & 1)) {
        this.slots.set(leafHash(this.leafKey(i), this.leafValueHash(i)), at);
        this.known |= 1 << i;
      }
      copyBytes(this.slots, at, childHashes, n, HASH_BYTES);
      n += HASH_BYTES;
      at += SLOT_BYTES;
    }
    return nodeHash(this.bitmap, childHashes.subarray(0, n));
  }
}

/** Heap cost of a cached node, for the cache's byte budget: its slots plus object overhead. */
export function nodeCostBytes(node: TrieNode): number {
  return node.slots.byteLength + 320;
}

// One 16-slot work area per depth: while a node at depth d is rebuilt, only its children (depth
// d + 1) are rebuilt, so one area per depth is never used twice at once, and updates allocate
// only the compact slots of the nodes they seal.
const workAreas: Uint8Array[] = [];

/** Builder for a node's slots: start empty or from an existing node, set children, then seal. */
export class NodeBuilder {
  bitmap = 0;
  leafMask = 0;
  known = 0;
  /** Sixteen slots, slot i for child i. */
  readonly slots: Uint8Array;

  constructor(depth: number, from?: TrieNode) {
    workAreas[depth] ??= new Uint8Array(16 * SLOT_BYTES);
    this.slots = workAreas[depth];
    if (from) {
      this.bitmap = from.bitmap;
      this.leafMask = from.leafMask;
      this.known = from.known;
      let at = 0;
      for (let i = 0; i < 16; i++) {
        if (!from.has(i)) continue;
        copyBytes(from.slots, at, this.slots, i * SLOT_BYTES, SLOT_BYTES);
        at += SLOT_BYTES;
      }
    }
  }

  clear(i: number): void {
    const bit = 1 << i;
    this.bitmap &= ~bit;
    this.leafMask &= ~bit;
    this.known &= ~bit;
  }

  setNode(i: number, node: TrieNode): void {
    const bit = 1 << i;
    const at = i * SLOT_BYTES;
    copyBytes(node.hash, 0, this.slots, at, HASH_BYTES);
    writeVersion(this.slots, at + VERSION_AT, node.version);
    this.bitmap |= bit;
    this.leafMask &= ~bit;
    this.known |= bit;
  }

  setLeaf(i: number, leaf: LeafEntry): void {
    const bit = 1 << i;
    const at = i * SLOT_BYTES;
    copyBytes(leaf.key, 0, this.slots, at + KEY_AT, KEY_BYTES);
    copyBytes(leaf.valueHash, 0, this.slots, at + VALUE_AT, HASH_BYTES);
    writeVersion(this.slots, at + VERSION_AT, leaf.valueVersion);
    this.bitmap |= bit;
    this.leafMask |= bit;
    if (leaf.hash) {
      copyBytes(leaf.hash, 0, this.slots, at, HASH_BYTES);
      this.known |= bit;
    } else {
      this.known &= ~bit;
    }
  }

  /** The only child, when it is a leaf (a node holding one leaf collapses into it, state §2.4). */
  loneLeaf(): LeafEntry | undefined {
    if (popcount16(this.bitmap) !== 1 || this.leafMask === 0) return undefined;
    const i = 31 - Math.clz32(this.leafMask);
    const at = i * SLOT_BYTES;
    return {
      key: this.slots.slice(at + KEY_AT, at + VALUE_AT),
      valueHash: this.slots.slice(at + VALUE_AT, at + VERSION_AT),
      valueVersion: readVersion(this.slots, at + VERSION_AT),
      hash: (this.known >>> i) & 1 ? this.slots.slice(at, at + HASH_BYTES) : undefined,
    };
  }

  seal(version: number): TrieNode {
    const compact = new Uint8Array(popcount16(this.bitmap) * SLOT_BYTES);
    let at = 0;
    for (let i = 0; i < 16; i++) {
      if (!((this.bitmap >>> i) & 1)) continue;
      copyBytes(this.slots, i * SLOT_BYTES, compact, at, SLOT_BYTES);
      at += SLOT_BYTES;
    }
    return new TrieNode(version, this.bitmap, this.leafMask, compact, this.known);
  }
}

export interface LeafEntry {
  key: Uint8Array;
  valueHash: Uint8Array;
  /** The version whose value record holds this leaf's value. */
  valueVersion: number;
  hash?: Uint8Array;
}

/**
 * state §3.1: 0x01 ‖ bitmap u16 ‖ leafMask u16 ‖ per child: leafHash ‖ key ‖ valueHash ‖ version
 * (leaf) or hash ‖ version (node). Leaf hashes are stored so that loading a node costs one hash
 * (the check of the node's own hash), not one per leaf.
 */
export function encodeNode(node: TrieNode): Uint8Array {
  const leaves = popcount16(node.leafMask);
  const inner = popcount16(node.bitmap) - leaves;
  const out = new Uint8Array(NODE_HEADER + leaves * LEAF_ENTRY + inner * NODE_ENTRY);
  out[0] = NODE_TAG;
  out[1] = node.bitmap >>> 8;
  out[2] = node.bitmap & 0xff;
  out[3] = node.leafMask >>> 8;
  out[4] = node.leafMask & 0xff;
  let at = NODE_HEADER;
  let slot = -SLOT_BYTES;
  for (let i = 0; i < 16; i++) {
    if (!node.has(i)) continue;
    slot += SLOT_BYTES;
    if (node.isLeaf(i)) {
      copyBytes(node.slots, slot, out, at, LEAF_ENTRY);
      at += LEAF_ENTRY;
    } else {
      copyBytes(node.slots, slot, out, at, HASH_BYTES);
      copyBytes(node.slots, slot + VERSION_AT, out, at + HASH_BYTES, VERSION_BYTES);
      at += NODE_ENTRY;
    }
  }
  return out;
}

/**
 * Decodes the node record of `version` and checks that it hashes to `hash`, so a damaged
 * database is reported instead of serving a wrong state. A leaf's key and value hash are checked
 * against its stored hash when the leaf is read (checkLeaf).
 */
export function decodeNode(hash: Uint8Array, version: number, bytes: Uint8Array): TrieNode {
  const fail = (why: string) => corrupt(hash, why);
  if (bytes.length < NODE_HEADER || bytes[0] !== NODE_TAG) throw fail("unknown record tag");
  const bitmap = (bytes[1] << 8) | bytes[2];
  const leafMask = (bytes[3] << 8) | bytes[4];
  const leaves = popcount16(leafMask);
  const inner = popcount16(bitmap) - leaves;
  if (bitmap === 0 || (leafMask & ~bitmap) !== 0) throw fail("bad child masks");
  // state §2.4: one leaf alone is never wrapped in a node.
  if (popcount16(bitmap) === 1 && leafMask !== 0) throw fail("a node holding one leaf");
  if (bytes.length !== NODE_HEADER + leaves * LEAF_ENTRY + inner * NODE_ENTRY) throw fail("bad length");
  const slots = new Uint8Array(popcount16(bitmap) * SLOT_BYTES);
  let known = 0;
  let at = NODE_HEADER;
  let slot = -SLOT_BYTES;
  for (let i = 0; i < 16; i++) {
    if (!((bitmap >>> i) & 1)) continue;
    slot += SLOT_BYTES;
    if ((leafMask >>> i) & 1) {
      slots.set(bytes.subarray(at, at + LEAF_ENTRY), slot);
      at += LEAF_ENTRY;
    } else {
      slots.set(bytes.subarray(at, at + HASH_BYTES), slot);
      slots.set(bytes.subarray(at + HASH_BYTES, at + NODE_ENTRY), slot + VERSION_AT);
      at += NODE_ENTRY;
    }
    known |= 1 << i;
  }
  const node = new TrieNode(version, bitmap, leafMask, slots, known);
  if (!sameHash(node.hash, hash)) throw fail("node does not match its hash");
  return node;
}

/**
 * state §3.2: the record of a root: a node root is found by its version; a root that is a single
 * leaf is the leaf itself.
 */
export type RootRecord = { kind: "node"; version: number } | { kind: "leaf"; leaf: LeafEntry };

export function encodeRoot(root: RootRecord): Uint8Array {
  if (root.kind === "node") {
    const out = new Uint8Array(1 + VERSION_BYTES);
    out[0] = NODE_TAG;
    writeVersion(out, 1, root.version);
    return out;
  }
  const out = new Uint8Array(1 + ROOT_LEAF);
  out[0] = LEAF_TAG;
  out.set(root.leaf.key, 1);
  out.set(root.leaf.valueHash, 1 + KEY_BYTES);
  writeVersion(out, 1 + KEY_BYTES + HASH_BYTES, root.leaf.valueVersion);
  return out;
}

export function decodeRoot(hash: Uint8Array, bytes: Uint8Array): RootRecord {
  if (bytes.length === 1 + VERSION_BYTES && bytes[0] === NODE_TAG)
    return { kind: "node", version: readVersion(bytes, 1) };
  if (bytes.length === 1 + ROOT_LEAF && bytes[0] === LEAF_TAG) {
    const leaf: LeafEntry = {
      key: bytes.slice(1, 1 + KEY_BYTES),
      valueHash: bytes.slice(1 + KEY_BYTES, 1 + KEY_BYTES + HASH_BYTES),
      valueVersion: readVersion(bytes, 1 + KEY_BYTES + HASH_BYTES),
    };
    if (!sameHash(leafHash(leaf.key, leaf.valueHash), hash))
      throw corrupt(hash, "root leaf does not match its hash");
    return { kind: "leaf", leaf };
  }
  throw corrupt(hash, "bad root record");
}

/** Throws STATE_CORRUPT_NODE unless the leaf's key and value hash give its stored hash. */
export function checkLeaf(leaf: LeafEntry): void {
  if (leaf.hash !== undefined && !sameHash(leafHash(leaf.key, leaf.valueHash), leaf.hash)) {
    throw corrupt(leaf.hash, "leaf does not match its hash");
  }
}

function corrupt(hash: Uint8Array, why: string): StateError {
  return new StateError("STATE_CORRUPT_NODE", `state node ${toHex(hash)} is corrupt: ${why}`);
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}
