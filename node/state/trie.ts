// The authenticated state: a hexary Merkle trie over 256-bit keys, persisted in a KvStore
// (specs/state.md). An update's nodes and values are new records in the store's blob log, never
// overwritten, so every committed root stays readable; a node names its children by where they
// are. An update loads the paths it touches level by level (one read of many records per level),
// rebuilds them in memory without awaiting, and commits with one atomic batch.

import { compareBytes, equalBytes, toHex } from "../bytes/index.ts";
import { decodeBlobRef, type KvStore, type StoreError, type WriteOp } from "../store/index.ts";
import { arena } from "./arena.ts";
import { StateError } from "./errors.ts";
import { EMPTY_HASH, groupEnd, HASH_BYTES, KEY_BYTES, leafHash, nibbleAt, valueHashOf } from "./hashing.ts";
import { NodeCache, NodeMap } from "./nodeCache.ts";
import type { ProofLevel, TrieProof } from "./proof.ts";
import { indexedThroughKey, rootIndexKey, rootRecordKey, runRange, versionOfKey } from "./recordKeys.ts";
import {
  type Child,
  decodeNode,
  decodeRoot,
  encodeRoot,
  type LeafEntry,
  MAX_NODE_BYTES,
  makeNode,
  matchingValueHash,
  type NodeRef,
  type Place,
  type RootRecord,
  readVersion,
  TrieNode,
  VERSION_BYTES,
  writeVersion,
} from "./trieNode.ts";

/** A value is stored whole; contract storage items and accounts are far smaller. */
export const MAX_VALUE_BYTES = 1 << 20;

export interface TrieChange {
  key: Uint8Array;
  /** The new value, or null to delete the key. */
  value: Uint8Array | null;
}

export interface PreparedUpdate {
  readonly root: Uint8Array;
  readonly version: number;
  /**
   * The uncommitted update this one was built on, if any (see prepare's `parent`). Commit drops
   * the link, so that a run of updates, each built on the one before, does not keep them all.
   */
  parent: PreparedUpdate | undefined;
  /** The new root as a subtree, so an update built on this one starts without a lookup. */
  readonly result: Child;
  /**
   * The records to write: blobs (nodes and values) at the refs placed for them, then ops in one
   * batch. commit() or commitMany() writes them, with the caller's own records in the same batch
   * and the index of roots when it is due (state §3.2); then they are dropped (empty).
   */
  blobs: Blobs;
  ops: readonly WriteOp[];
  /** The new root's record, when the update made a root that is neither its base nor empty. */
  readonly rootEntry: RootEntry | undefined;
  readonly created: readonly TrieNode[];
  readonly replaced: readonly TrieNode[];
  /**
   * By position in the changes given to prepare: the hash of the leaf that change left in the
   * new state (state §2.2), or null for a delete or a change a later one of the same key
   * overrode. A caller that keeps values by their leaf hash need not hash them again; the
   * arrays are the trie's own, to be read, not changed.
   */
  readonly leafHashes: readonly (Uint8Array | null)[];
}

export interface MerkleTrieOptions {
  /**
   * Bytes of decoded nodes kept in memory (NodeCache). The default, 32 MiB, holds a million keys'
   * upper four levels; the deeper nodes come from the store.
   */
  cacheBytes?: number;
  /** Key prefix of this trie's records inside a shared store. */
  prefix?: Uint8Array;
  /**
   * How many versions may pass before the roots they made are indexed by hash (state §3.2): a
   * reopened trie reads one record per version since the last index to find them.
   */
  indexSpan?: number;
}

/** A root an update made, as its run record and the index hold it (state §3.2). */
interface RootEntry {
  readonly hash: Uint8Array;
  readonly version: number;
  readonly record: Uint8Array;
}

/** A root's entry from its run record, root hash ‖ root record (state §3.2), without copying. */
function rootEntryOf(version: number, runRecord: Uint8Array): RootEntry {
  if (runRecord.length <= HASH_BYTES)
    throw new StateError("STATE_CORRUPT_NODE", `the root record of version ${version} is damaged`);
  return { hash: runRecord.subarray(0, HASH_BYTES), version, record: runRecord.subarray(HASH_BYTES) };
}

const DEFAULT_INDEX_SPAN = 1024;
const MAX_INDEX_SPAN = 1 << 16;

type Sub = Child;

interface Change {
  key: Uint8Array;
  /** The new leaf (its value placed in the blob log), or null for a delete. */
  leaf: LeafEntry | null;
}

/** Blobs an update places, to be written at commit: refs[i] is where items[i] goes. */
export interface Blobs {
  refs: Uint8Array[];
  items: Uint8Array[];
}

/** A node #preload visits: the changes below it are changes[lo..hi). */
interface Visit {
  hash: Uint8Array;
  ref: Uint8Array;
  lo: number;
  hi: number;
  node: TrieNode | null;
}

interface Work {
  /** Places a node's record in the store's blob log. */
  place: Place;
  local: NodeMap;
  created: TrieNode[];
  replaced: TrieNode[];
}

/**
 * The one reader and writer of its records in its store (state §3.2): it keeps the roots it has
 * not indexed yet in memory, where another MerkleTrie over the same records would not see them.
 */
export class MerkleTrie {
  static readonly EMPTY_ROOT: Uint8Array = EMPTY_HASH;

  readonly #store: KvStore;
  readonly #cache: NodeCache;
  readonly #prefix: Uint8Array;
  readonly #indexSpan: number;
  readonly #committed = new WeakSet<PreparedUpdate>();
  /** Reads, once, where the last session left versions and the index of roots. */
  #loaded: Promise<void> | undefined;
  #nextVersion = 0;
  #committedVersion = 0;
  /** Every committed root of a version up to this one is in the stored index. */
  #indexedThrough = 0;
  /** Committed roots not yet in the stored index, by the hex of their hash. */
  readonly #unindexed = new Map<string, RootEntry>();
  /** The commit being written: commits go one at a time, so the index never skips a root. */
  #writing: Promise<void> = Promise.resolve();

  constructor(store: KvStore, options: MerkleTrieOptions = {}) {
    const span = options.indexSpan ?? DEFAULT_INDEX_SPAN;
    if (!Number.isSafeInteger(span) || span < 1 || span > MAX_INDEX_SPAN)
      throw new RangeError(`indexSpan must be an integer from 1 to ${MAX_INDEX_SPAN}, got ${span}`);
    this.#store = store;
    this.#cache = new NodeCache(options.cacheBytes ?? 32 * 1024 * 1024);
    this.#prefix = options.prefix ?? new Uint8Array(0);
    this.#indexSpan = span;
  }

  /** The value under `key` in the state with root `root`, or undefined if the key is absent. */
  async get(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    const leaf = await this.#findLeaf(root, key);
    if (leaf === undefined) return undefined;
    const found = await this.#leafValue(leaf);
    if (found === undefined) throw missingValue(key);
    return found.value;
  }

  /**
   * The hash of `key`'s leaf (state §2.2), which names its value, or undefined if the key is
   * absent. It comes from the nodes alone: the value is not read, so not checked here.
   */
  async getLeafHash(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.#findLeaf(root, key))?.hash.slice();
  }

  /** Whether `root` is a committed state of this store (the empty root always is). */
  async hasRoot(root: Uint8Array): Promise<boolean> {
    assertHash("root", root);
    if (equalBytes(root, EMPTY_HASH)) return true;
    return (await this.#rootRecord(root)) !== undefined;
  }

  /** Applies `changes` to the state `root` and writes the result in one atomic batch. */
  async update(root: Uint8Array, changes: readonly TrieChange[]): Promise<Uint8Array> {
    const prepared = await this.prepare(root, changes);
    await this.commit(prepared);
    return prepared.root;
  }

  /**
   * Computes the new root and the records to write, writing nothing. Later changes to the same
   * key win over earlier ones.
   */
  async prepare(
    root: Uint8Array,
    changes: readonly TrieChange[],
    options: { parent?: PreparedUpdate } = {},
  ): Promise<PreparedUpdate> {
    assertHash("root", root);
    if (!Array.isArray(changes)) throw new TypeError("changes must be an array");
    const { parent } = options;
    const store = this.#store;
    const work: Work = {
      place: (length) => store.placeBlob(length),
      local: new NodeMap(),
      created: [],
      replaced: [],
    };
    let start: Child;
    if (parent !== undefined) {
      // state §3.3: building on an update that is still being written, so that the next block's
      // state is computed while the previous one is stored. Its nodes are visible to this update
      // only; the cache sees a node once its update is committed.
      if (!equalBytes(parent.root, root)) throw new TypeError("root must be the root of options.parent");
      if (parent.parent !== undefined && !this.#committed.has(parent.parent)) {
        throw new TypeError("options.parent must itself be built on committed state");
      }
      start = parent.result;
      for (const node of parent.created) work.local.set(node);
    } else {
      start = await this.#root(root);
    }
    await this.#load();
    const version = this.#nextVersion++;
    const ops: WriteOp[] = [];
    const blobs: Blobs = { refs: [], items: [] };
    const leafHashes = new Array<Uint8Array | null>(changes.length).fill(null);
    const sorted = this.#normalize(changes, blobs, leafHashes);
    if (start instanceof TrieNode) await this.#preload(start, sorted, work.local);
    const result = sorted.length === 0 ? start : this.#updateSub(start, 0, sorted, 0, sorted.length, work);

    for (const node of work.created) {
      blobs.refs.push(node.ref);
      blobs.items.push(node.bytes);
    }
    let newRoot = EMPTY_HASH;
    let record: RootRecord | undefined;
    if (result instanceof TrieNode) {
      newRoot = result.hash;
      record = { kind: "node", ref: result.ref };
    } else if (result !== null) {
      newRoot = result.hash;
      record = { kind: "leaf", leaf: result };
    }
    // An unchanged root already has its record (written by the update that made it).
    let rootEntry: RootEntry | undefined;
    if (record && !equalBytes(newRoot, root)) {
      const encoded = encodeRoot(record);
      const runRecord = new Uint8Array(HASH_BYTES + encoded.length);
      runRecord.set(newRoot);
      runRecord.set(encoded, HASH_BYTES);
      rootEntry = rootEntryOf(version, runRecord);
      ops.push({ type: "put", key: rootRecordKey(this.#prefix, version), value: runRecord });
    }
    return {
      root: newRoot.slice(),
      version,
      parent,
      result,
      blobs,
      ops,
      rootEntry,
      created: work.created,
      replaced: work.replaced,
      leafHashes,
    };
  }

  /** Writes a prepared update, with `extraOps` in the same atomic batch. */
  async commit(prepared: PreparedUpdate, extraOps: readonly WriteOp[] = []): Promise<void> {
    await this.commitMany([prepared], extraOps);
  }

  /**
   * Writes several prepared updates and `extraOps` in one atomic batch: a block's account trie
   * and the storage of every contract it touched land together or not at all (state §3.4).
   */
  async commitMany(updates: readonly PreparedUpdate[], extraOps: readonly WriteOp[] = []): Promise<void> {
    const mine = this.#writing.then(() => this.#commitNow(updates, extraOps));
    // The next commit waits for this one, whether it lands or fails.
    this.#writing = mine.catch(() => undefined);
    await mine;
  }

  async #commitNow(updates: readonly PreparedUpdate[], extraOps: readonly WriteOp[]): Promise<void> {
    await this.#load();
    const ops: WriteOp[] = [];
    const blobs: Blobs = { refs: [], items: [] };
    const roots: RootEntry[] = [];
    let highest = 0;
    for (const prepared of updates) {
      if (
        prepared.parent !== undefined &&
        !this.#committed.has(prepared.parent) &&
        !updates.includes(prepared.parent)
      ) {
        throw new TypeError("commit the update this one was built on first");
      }
      if (this.#committed.has(prepared)) throw new TypeError("this update is already committed");
      highest = Math.max(highest, prepared.version);
      for (const ref of prepared.blobs.refs) blobs.refs.push(ref);
      for (const item of prepared.blobs.items) blobs.items.push(item);
      for (const op of prepared.ops) ops.push(op);
      if (prepared.rootEntry !== undefined) roots.push(prepared.rootEntry);
    }
    // state §3.2: the roots are indexed by hash in bulk, once every indexSpan versions; a root
    // committed late, below what the index already covers, is indexed at once.
    const flush = highest - this.#indexedThrough >= this.#indexSpan;
    const late: RootEntry[] = [];
    const pending: RootEntry[] = [];
    for (const r of roots) (r.version <= this.#indexedThrough ? late : pending).push(r);
    const indexed = flush ? [...this.#unindexed.values(), ...roots] : late;
    for (const r of indexed)
      ops.push({ type: "put", key: rootIndexKey(this.#prefix, r.hash), value: r.record });
    const through = flush ? Math.max(highest, this.#committedVersion) : this.#indexedThrough;
    if (flush) {
      const bytes = new Uint8Array(VERSION_BYTES);
      writeVersion(bytes, 0, through);
      ops.push({ type: "put", key: indexedThroughKey(this.#prefix), value: bytes });
    }
    ops.push(...extraOps);
    // The blobs first: once the batch is written, its roots name them (state §3).
    await this.#store.writeBlobs(blobs.refs, blobs.items);
    await this.#store.write(ops);
    this.#committedVersion = Math.max(this.#committedVersion, highest);
    if (flush) {
      this.#unindexed.clear();
      this.#indexedThrough = through;
    } else {
      for (const r of pending) this.#unindexed.set(toHex(r.hash), r);
    }
    for (const prepared of updates) {
      this.#committed.add(prepared);
      prepared.parent = undefined;
      prepared.blobs = { refs: [], items: [] };
      prepared.ops = [];
      // The nodes an update replaced are mostly dead weight now; the new ones are the hot path.
      for (const node of prepared.replaced) this.#cache.delete(node.hash);
      for (const node of prepared.created) this.#cache.set(node);
    }
  }

  /** A proof of `key`'s value (or of its absence) that verifyProof checks against `root` alone. */
  async prove(root: Uint8Array, key: Uint8Array): Promise<TrieProof> {
    assertHash("root", root);
    assertHash("key", key);
    const levels: ProofLevel[] = [];
    let sub = await this.#root(root);
    for (let depth = 0; ; depth++) {
      if (sub === null) return { levels, terminal: { kind: "empty" } };
      if (!(sub instanceof TrieNode)) {
        const found = await this.#leafValue(sub);
        if (found === undefined) throw missingValue(sub.key);
        return { levels, terminal: { kind: "leaf", key: sub.key.slice(), valueHash: found.valueHash } };
      }
      const path = nibbleAt(key, depth);
      const siblings: Uint8Array[] = [];
      for (let i = 0; i < 16; i++) if (i !== path && sub.has(i)) siblings.push(sub.childHash(i).slice());
      levels.push({ bitmap: sub.bitmap, siblings });
      sub = await this.#child(sub, path);
    }
  }

  get cacheStats(): { nodes: number; bytes: number } {
    return { nodes: this.#cache.size, bytes: this.#cache.bytes };
  }

  async #findLeaf(root: Uint8Array, key: Uint8Array): Promise<LeafEntry | undefined> {
    assertHash("root", root);
    assertHash("key", key);
    // A cached node is taken without awaiting: the hot accounts' paths are all in memory, and
    // a read of one then waits on nothing.
    let sub: Sub = equalBytes(root, EMPTY_HASH) ? null : (this.#cache.get(root) ?? (await this.#root(root)));
    for (let depth = 0; sub instanceof TrieNode; depth++) {
      const i = nibbleAt(key, depth);
      if (!sub.has(i)) sub = null;
      else if (sub.isLeaf(i)) sub = sub.leaf(i);
      else {
        const hash = sub.childHash(i);
        sub = this.#cache.get(hash) ?? (await this.#node(hash, sub.childRef(i)));
      }
    }
    if (sub === null) return undefined;
    if (equalBytes(sub.key, key)) return sub;
    // Another key's leaf is on the path, so the key is absent if that leaf is sound. A leaf's key
    // is outside its parent's hash (state §3.1): it is checked with its value.
    if ((await this.#leafValue(sub)) === undefined)
      throw new StateError("STATE_CORRUPT_NODE", `the leaf on the path of key ${toHex(key)} is damaged`);
    return undefined;
  }

  /** The value of `leaf` and its hash, or undefined if its record is missing or is not the leaf's. */
  async #leafValue(leaf: LeafEntry): Promise<{ value: Uint8Array; valueHash: Uint8Array } | undefined> {
    const value = (await this.#readRecords([leaf.valueRef], MAX_VALUE_BYTES))[0];
    const valueHash = value === undefined ? undefined : matchingValueHash(leaf, value);
    return value === undefined || valueHash === undefined ? undefined : { value, valueHash };
  }

  /** The child of `node` in slot `i`. */
  async #child(node: TrieNode, i: number): Promise<Sub> {
    if (!node.has(i)) return null;
    if (node.isLeaf(i)) return node.leaf(i);
    return this.#node(node.childHash(i), node.childRef(i));
  }

  async #root(root: Uint8Array): Promise<Sub> {
    if (equalBytes(root, EMPTY_HASH)) return null;
    const cached = this.#cache.get(root);
    if (cached !== undefined) return cached;
    const bytes = await this.#rootRecord(root);
    if (bytes === undefined)
      throw new StateError("STATE_UNKNOWN_ROOT", `no committed state has root ${toHex(root)}`);
    const record = decodeRoot(root, bytes);
    return record.kind === "leaf" ? record.leaf : this.#node(root, record.ref);
  }

  async #node(hash: Uint8Array, ref: Uint8Array): Promise<TrieNode> {
    const cached = this.#cache.get(hash);
    if (cached !== undefined) return cached;
    const node = this.#decode(hash, ref, (await this.#readRecords([ref], MAX_NODE_BYTES))[0]);
    this.#cache.set(node);
    return node;
  }

  /**
   * The records at `refs`, undefined where the store holds none (STATE_MISSING_NODE to callers).
   * A reference is outside every hash (state §3.1): one longer than any record of its kind is
   * damage, refused before the store reads it.
   */
  async #readRecords(refs: readonly Uint8Array[], maxBytes: number): Promise<Array<Uint8Array | undefined>> {
    for (const ref of refs) {
      const { length } = decodeBlobRef(ref);
      if (length > maxBytes)
        throw new StateError("STATE_CORRUPT_NODE", `a state record's reference names ${length} bytes`);
    }
    try {
      return await this.#store.readBlobs(refs);
    } catch (err) {
      badRef(err); // anything but a reference that names nothing is thrown on
    }
    // One of them names nothing: which, one by one.
    const out: Array<Uint8Array | undefined> = [];
    for (const ref of refs) out.push(await this.#store.readBlob(ref).catch(badRef));
    return out;
  }

  #decode(hash: Uint8Array, ref: Uint8Array, bytes: Uint8Array | undefined): TrieNode {
    if (bytes === undefined)
      throw new StateError("STATE_MISSING_NODE", `state node ${toHex(hash)} is missing from the database`);
    return decodeNode(hash, ref, bytes);
  }

  /** The record of a committed root: not yet indexed, or in the index. */
  async #rootRecord(root: Uint8Array): Promise<Uint8Array | undefined> {
    await this.#load();
    return (
      this.#unindexed.get(toHex(root))?.record ?? (await this.#store.get(rootIndexKey(this.#prefix, root)))
    );
  }

  #load(): Promise<void> {
    this.#loaded ??= this.#readIndexState().catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }

  /**
   * state §3.2: versions go on after the highest one stored, and the roots made since the index
   * last covered them are read back from their run records, one per version.
   */
  async #readIndexState(): Promise<void> {
    const through = await this.#store.get(indexedThroughKey(this.#prefix));
    const indexed = through === undefined ? 0 : readVersion(through, 0);
    let last = 0;
    for await (const [key] of this.#store.entries({ ...runRange(this.#prefix), limit: 1, reverse: true }))
      last = versionOfKey(this.#prefix, key);
    const versions: number[] = [];
    for (let v = indexed + 1; v <= last; v++) versions.push(v);
    const records = await this.#store.getMany(versions.map((v) => rootRecordKey(this.#prefix, v)));
    for (let n = 0; n < versions.length; n++) {
      const bytes = records[n];
      if (bytes === undefined) continue;
      const entry = rootEntryOf(versions[n], bytes);
      this.#unindexed.set(toHex(entry.hash), entry);
    }
    this.#indexedThrough = indexed;
    this.#committedVersion = Math.max(indexed, last);
    this.#nextVersion = this.#committedVersion + 1;
  }

  #normalize(changes: readonly TrieChange[], blobs: Blobs, leafHashes: Array<Uint8Array | null>): Change[] {
    const order: number[] = [];
    for (let n = 0; n < changes.length; n++) {
      const { key, value } = changes[n];
      assertHash(`changes[${n}].key`, key);
      if (value !== null) {
        if (!(value instanceof Uint8Array))
          throw new TypeError(`changes[${n}].value must be a Uint8Array or null`);
        if (value.length > MAX_VALUE_BYTES) {
          throw new RangeError(
            `changes[${n}].value is ${value.length} bytes; the limit is ${MAX_VALUE_BYTES}`,
          );
        }
      }
      order.push(n);
    }
    // By key, then by position: the last change of each key is the last of its run.
    order.sort((a, b) => compareBytes(changes[a].key, changes[b].key) || a - b);
    const sorted: Change[] = [];
    for (let r = 0; r < order.length; r++) {
      const change = changes[order[r]];
      if (r + 1 < order.length && equalBytes(changes[order[r + 1]].key, change.key)) continue;
      const key = change.key.slice();
      let leaf: LeafEntry | null = null;
      if (change.value !== null) {
        leaf = {
          key,
          valueRef: this.#store.placeBlob(change.value.length),
          hash: leafHash(key, valueHashOf(change.value)),
        };
        leafHashes[order[r]] = leaf.hash;
        blobs.refs.push(leaf.valueRef);
        blobs.items.push(arena.copy(change.value));
      }
      sorted.push({ key, leaf });
    }
    return sorted;
  }

  /** Loads, level by level, every stored node on the paths of `changes` into `local`. */
  async #preload(root: TrieNode, changes: Change[], local: NodeMap): Promise<void> {
    local.set(root);
    // One entry per node to visit at the next level: which changes go below it, and the node
    // once it is found (in this update's map, the cache, or one read of many records per level).
    let frontier: Visit[] = [{ hash: root.hash, ref: root.ref, lo: 0, hi: changes.length, node: root }];
    for (let depth = 0; frontier.length > 0; depth++) {
      const wanted: Visit[] = [];
      for (const { node, lo, hi } of frontier) {
        if (node === null) throw new Error("preload: a node of the frontier was never found");
        let start = lo;
        while (start < hi) {
          const i = nibbleAt(changes[start].key, depth);
          const end = groupEnd(changes, start, hi, depth);
          if (node.has(i) && !node.isLeaf(i))
            wanted.push({ hash: node.childHash(i), ref: node.childRef(i), lo: start, hi: end, node: null });
          start = end;
        }
      }
      const missing: Visit[] = [];
      for (const w of wanted) {
        w.node = local.get(w.hash) ?? null;
        if (w.node !== null) continue;
        w.node = this.#cache.get(w.hash) ?? null;
        if (w.node === null) missing.push(w);
        else local.set(w.node);
      }
      if (missing.length > 0) {
        const records = await this.#readRecords(
          missing.map((m) => m.ref),
          MAX_NODE_BYTES,
        );
        // Not cached: a node on the path of a change is replaced by this update, and its
        // replacement is what the cache takes when the update is committed.
        for (let n = 0; n < missing.length; n++) {
          const node = this.#decode(missing[n].hash, missing[n].ref, records[n]);
          local.set(node);
          missing[n].node = node;
        }
      }
      frontier = wanted;
    }
  }

  #updateSub(sub: Sub, depth: number, changes: Change[], lo: number, hi: number, work: Work): Sub {
    if (sub instanceof TrieNode) {
      // The slots the changes reach, each with what it held and what it holds now: in parallel
      // arrays walked inline, which spared an update a closure and a tuple per slot (state §3.3).
      const slots: number[] = [];
      const afters: Child[] = [];
      let sameShape = true;
      let changed = false;
      let start = lo;
      while (start < hi) {
        const i = nibbleAt(changes[start].key, depth);
        const end = groupEnd(changes, start, hi, depth);
        let before: Child = null;
        if (sub.has(i)) before = sub.isLeaf(i) ? sub.leaf(i) : work.local.get(sub.childHash(i))!;
        const after = this.#updateSub(before, depth + 1, changes, start, end, work);
        if (kindOf(before) !== kindOf(after)) sameShape = false;
        if (!sameChild(before, after)) {
          changed = true;
          slots.push(i);
          afters.push(after);
        }
        start = end;
      }
      if (!changed) return sub;
      let result: Child;
      if (sameShape) {
        result = sub.withSameShape(work.place, slots, afters as Array<LeafEntry | TrieNode>);
      } else {
        const children: Array<null | LeafEntry | NodeRef> = new Array(16).fill(null);
        for (let i = 0; i < 16; i++) {
          if (!sub.has(i)) continue;
          children[i] = sub.isLeaf(i) ? sub.leaf(i) : { hash: sub.childHash(i), ref: sub.childRef(i) };
        }
        for (let n = 0; n < slots.length; n++) children[slots[n]] = afters[n];
        result = makeNode(work.place, children);
      }
      if (result instanceof TrieNode) work.created.push(result);
      work.replaced.push(sub);
      return result;
    }
    // An empty slot or a single leaf: the result is that leaf merged with the changes, rebuilt.
    const entries: LeafEntry[] = [];
    let pending: LeafEntry | null = sub;
    for (let n = lo; n < hi; n++) {
      const change = changes[n];
      if (pending !== null) {
        const order = compareBytes(pending.key, change.key);
        if (order < 0) entries.push(pending);
        if (order <= 0) pending = null;
      }
      if (change.leaf !== null) entries.push(change.leaf);
    }
    if (pending !== null) entries.push(pending);
    return build(depth, entries, 0, entries.length, work);
  }
}

/** The subtree holding exactly `entries[lo..hi)` (sorted, distinct keys) below `depth`. */
function build(depth: number, entries: LeafEntry[], lo: number, hi: number, work: Work): Sub {
  if (hi === lo) return null;
  if (hi - lo === 1) return entries[lo];
  const children: Child[] = new Array(16).fill(null);
  for (let start = lo; start < hi; ) {
    const end = groupEnd(entries, start, hi, depth);
    children[nibbleAt(entries[start].key, depth)] = build(depth + 1, entries, start, end, work);
    start = end;
  }
  const node = makeNode(work.place, children);
  if (node instanceof TrieNode) work.created.push(node);
  return node;
}

const kindOf = (child: Child): number => (child === null ? 0 : child instanceof TrieNode ? 2 : 1);

/** Whether an update left a slot as it was (same hash; a leaf's hash covers its key and value). */
function sameChild(before: Child, after: Child): boolean {
  if (before === null || after === null) return before === after;
  return before === after || equalBytes(before.hash, after.hash);
}

/** A read of a ref the store holds nothing at answers undefined; other failures stand. */
function badRef(err: unknown): undefined {
  const { code } = err as StoreError;
  // STORE_CORRUPT: the segment the reference names is gone.
  if (code === "STORE_BAD_REF" || code === "STORE_CORRUPT") return undefined;
  throw err;
}

function missingValue(key: Uint8Array): StateError {
  return new StateError("STATE_MISSING_NODE", `the value of key ${toHex(key)} is missing or damaged`);
}

function assertHash(name: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length !== KEY_BYTES)
    throw new RangeError(`${name} must be ${KEY_BYTES} bytes, got ${value.length}`);
}
