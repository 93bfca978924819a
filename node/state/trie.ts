// The authenticated state: a hexary Merkle trie over 256-bit keys, persisted as content-addressed
// records in a KvStore (specs/state.md). Records are never overwritten, so every committed root
// stays readable. An update first loads the paths it touches level by level (one getMany per
// level), then rebuilds them in memory without awaiting, then writes one atomic batch.
import type { KvStore, WriteOp } from "../store/index.ts";
import { StateError } from "./errors.ts";
import {
  bytesEqual,
  compareBytes,
  EMPTY_HASH,
  HASH_BYTES,
  KEY_BYTES,
  leafHash,
  nibbleAt,
  popcount16,
  valueHashOf,
} from "./hashing.ts";
import { type CachedRecord, hashId, NodeCache } from "./nodeCache.ts";
import type { ProofLevel, TrieProof } from "./proof.ts";
import {
  decodeRecord,
  encodeNode,
  encodeRootLeaf,
  hex,
  NodeBuilder,
  type RootLeaf,
  SLOT_BYTES,
  TrieNode,
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
  /** The records to write; commit() writes them, or a caller adds them to its own atomic batch. */
  readonly ops: readonly WriteOp[];
  readonly records: ReadonlyMap<string, CachedRecord>;
}

export interface MerkleTrieOptions {
  /** Bytes of decoded nodes kept in memory. */
  cacheBytes?: number;
  /** Key prefix of this trie's records inside a shared store. */
  prefix?: Uint8Array;
}

interface Leaf {
  key: Uint8Array;
  valueHash: Uint8Array;
  hash?: Uint8Array;
}
type Sub = null | Leaf | TrieNode;

interface Change {
  key: Uint8Array;
  valueHash: Uint8Array | null;
}

const RECORD_TAG = 0x01;
const VALUE_TAG = 0x02;

export class MerkleTrie {
  static readonly EMPTY_ROOT: Uint8Array = EMPTY_HASH;

  readonly #store: KvStore;
  readonly #cache: NodeCache;
  readonly #prefix: Uint8Array;

  constructor(store: KvStore, options: MerkleTrieOptions = {}) {
    this.#store = store;
    this.#cache = new NodeCache(options.cacheBytes ?? 128 * 1024 * 1024);
    this.#prefix = options.prefix ?? new Uint8Array(0);
  }

  /** The value under `key` in the state with root `root`, or undefined if the key is absent. */
  async get(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    const valueHash = await this.getValueHash(root, key);
    return valueHash === undefined ? undefined : this.#value(valueHash);
  }

  async getValueHash(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    assertHash("root", root);
    assertHash("key", key);
    if (bytesEqual(root, EMPTY_HASH)) return undefined;
    let record = await this.#record(root, true);
    for (let depth = 0; ; depth++) {
      if (!(record instanceof TrieNode)) return bytesEqual(record.key, key) ? record.valueHash : undefined;
      const i = nibbleAt(key, depth);
      if (!record.has(i)) return undefined;
      if (record.isLeaf(i))
        return bytesEqual(record.leafKey(i), key) ? record.leafValueHash(i).slice() : undefined;
      record = await this.#record(record.childHash(i), false);
    }
  }

  /** Whether the records of `root` are in the store (the empty root always is). */
  async hasRoot(root: Uint8Array): Promise<boolean> {
    assertHash("root", root);
    if (bytesEqual(root, EMPTY_HASH) || this.#cache.get(hashId(root))) return true;
    return (await this.#store.get(this.#recordKey(root))) !== undefined;
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
  async prepare(root: Uint8Array, changes: readonly TrieChange[]): Promise<PreparedUpdate> {
    assertHash("root", root);
    if (!Array.isArray(changes)) throw new TypeError("changes must be an array");
    const ops: WriteOp[] = [];
    const sorted = this.#normalize(changes, ops);
    const start = bytesEqual(root, EMPTY_HASH) ? null : await this.#record(root, true);
    const local = new Map<string, TrieNode>();
    if (start instanceof TrieNode) await this.#preload(start, sorted, local);
    const created: TrieNode[] = [];
    const startSub: Sub = start === null || start instanceof TrieNode ? start : { ...start };
    const result =
      sorted.length === 0 ? startSub : this.#updateSub(startSub, 0, sorted, 0, sorted.length, local, created);
    const records = new Map<string, CachedRecord>();
    for (const node of created) {
      const id = hashId(node.hash);
      if (records.has(id)) continue;
      records.set(id, node);
      ops.push({ type: "put", key: this.#recordKey(node.hash), value: encodeNode(node) });
    }
    let newRoot: Uint8Array;
    if (result === null) newRoot = EMPTY_HASH;
    else if (result instanceof TrieNode) newRoot = result.hash;
    else {
      newRoot = result.hash ?? leafHash(result.key, result.valueHash);
      const leaf: RootLeaf = { key: result.key.slice(), valueHash: result.valueHash.slice() };
      records.set(hashId(newRoot), leaf);
      ops.push({ type: "put", key: this.#recordKey(newRoot), value: encodeRootLeaf(leaf) });
    }
    return { root: newRoot.slice(), ops, records };
  }

  /** Writes a prepared update, with `extraOps` in the same atomic batch. */
  async commit(prepared: PreparedUpdate, extraOps: readonly WriteOp[] = []): Promise<void> {
    await this.#store.write(extraOps.length === 0 ? prepared.ops : [...prepared.ops, ...extraOps]);
    for (const [id, record] of prepared.records) this.#cache.set(id, record);
  }

  /** A proof of `key`'s value (or of its absence) that verifyProof checks against `root` alone. */
  async prove(root: Uint8Array, key: Uint8Array): Promise<TrieProof> {
    assertHash("root", root);
    assertHash("key", key);
    const levels: ProofLevel[] = [];
    if (bytesEqual(root, EMPTY_HASH)) return { levels, terminal: { kind: "empty" } };
    let record = await this.#record(root, true);
    for (let depth = 0; ; depth++) {
      if (!(record instanceof TrieNode)) {
        return {
          levels,
          terminal: { kind: "leaf", key: record.key.slice(), valueHash: record.valueHash.slice() },
        };
      }
      const path = nibbleAt(key, depth);
      const siblings: Uint8Array[] = [];
      for (let i = 0; i < 16; i++)
        if (i !== path && record.has(i)) siblings.push(record.childHash(i).slice());
      levels.push({ bitmap: record.bitmap, siblings });
      if (!record.has(path)) return { levels, terminal: { kind: "empty" } };
      if (record.isLeaf(path)) {
        return {
          levels,
          terminal: {
            kind: "leaf",
            key: record.leafKey(path).slice(),
            valueHash: record.leafValueHash(path).slice(),
          },
        };
      }
      record = await this.#record(record.childHash(path), false);
    }
  }

  get cacheStats(): { records: number; bytes: number } {
    return { records: this.#cache.size, bytes: this.#cache.bytes };
  }

  #normalize(changes: readonly TrieChange[], ops: WriteOp[]): Change[] {
    const latest = new Map<string, Change>();
    const written = new Set<string>();
    for (let n = 0; n < changes.length; n++) {
      const { key, value } = changes[n];
      assertHash(`changes[${n}].key`, key);
      let valueHash: Uint8Array | null = null;
      if (value !== null) {
        if (!(value instanceof Uint8Array))
          throw new TypeError(`changes[${n}].value must be a Uint8Array or null`);
        if (value.length > MAX_VALUE_BYTES) {
          throw new RangeError(
            `changes[${n}].value is ${value.length} bytes; the limit is ${MAX_VALUE_BYTES}`,
          );
        }
        valueHash = valueHashOf(value);
        const vid = hashId(valueHash);
        if (!written.has(vid)) {
          written.add(vid);
          ops.push({ type: "put", key: this.#valueKey(valueHash), value: value.slice() });
        }
      }
      const id = hashId(key);
      latest.delete(id);
      latest.set(id, { key: key.slice(), valueHash });
    }
    return [...latest.values()].sort((a, b) => compareBytes(a.key, b.key));
  }

  /** Loads, level by level, every stored node on the paths of `changes` into `local`. */
  async #preload(root: TrieNode, changes: Change[], local: Map<string, TrieNode>): Promise<void> {
    local.set(hashId(root.hash), root);
    let frontier: Array<{ node: TrieNode; lo: number; hi: number; depth: number }> = [
      { node: root, lo: 0, hi: changes.length, depth: 0 },
    ];
    while (frontier.length > 0) {
      const wanted: Array<{ id: string; hash: Uint8Array; lo: number; hi: number; depth: number }> = [];
      for (const { node, lo, hi, depth } of frontier) {
        forEachGroup(changes, lo, hi, depth, (i, gLo, gHi) => {
          if (node.has(i) && !node.isLeaf(i)) {
            const hash = node.childHash(i);
            wanted.push({ id: hashId(hash), hash, lo: gLo, hi: gHi, depth: depth + 1 });
          }
        });
      }
      const missing: Array<{ id: string; hash: Uint8Array }> = [];
      for (const w of wanted) {
        if (local.has(w.id)) continue;
        const cached = this.#cache.get(w.id);
        if (cached instanceof TrieNode) local.set(w.id, cached);
        else missing.push(w);
      }
      if (missing.length > 0) {
        const bytes = await this.#store.getMany(missing.map((m) => this.#recordKey(m.hash)));
        for (let n = 0; n < missing.length; n++) {
          const record = this.#decode(missing[n].hash, bytes[n], false);
          if (!(record instanceof TrieNode))
            throw this.#corrupt(missing[n].hash, "a leaf record where a node belongs");
          this.#cache.set(missing[n].id, record);
          local.set(missing[n].id, record);
        }
      }
      frontier = wanted.map((w) => ({ node: local.get(w.id)!, lo: w.lo, hi: w.hi, depth: w.depth }));
    }
  }

  #updateSub(
    sub: Sub,
    depth: number,
    changes: Change[],
    lo: number,
    hi: number,
    local: Map<string, TrieNode>,
    created: TrieNode[],
  ): Sub {
    if (sub instanceof TrieNode) {
      const builder = new NodeBuilder(sub);
      forEachGroup(changes, lo, hi, depth, (i, gLo, gHi) => {
        let child: Sub = null;
        if (sub.has(i)) {
          child = sub.isLeaf(i)
            ? {
                key: sub.leafKey(i),
                valueHash: sub.leafValueHash(i),
                hash: (sub.known >>> i) & 1 ? sub.childHash(i) : undefined,
              }
            : local.get(hashId(sub.childHash(i)))!;
        }
        place(builder, i, this.#updateSub(child, depth + 1, changes, gLo, gHi, local, created));
      });
      return seal(builder, created);
    }
    // An empty slot or a single leaf: the result is that leaf merged with the changes, rebuilt.
    const entries: Leaf[] = [];
    let pending: Leaf | null = sub;
    for (let n = lo; n < hi; n++) {
      const change = changes[n];
      if (pending !== null) {
        const order = compareBytes(pending.key, change.key);
        if (order < 0) entries.push(pending);
        if (order <= 0) pending = null;
      }
      if (change.valueHash !== null) entries.push({ key: change.key, valueHash: change.valueHash });
    }
    if (pending !== null) entries.push(pending);
    return build(depth, entries, 0, entries.length, created);
  }

  async #record(hash: Uint8Array, isRoot: boolean): Promise<TrieNode | RootLeaf> {
    const id = hashId(hash);
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached;
    const record = this.#decode(hash, await this.#store.get(this.#recordKey(hash)), isRoot);
    this.#cache.set(id, record);
    return record;
  }

  #decode(hash: Uint8Array, bytes: Uint8Array | undefined, isRoot: boolean): TrieNode | RootLeaf {
    if (bytes === undefined) {
      throw isRoot
        ? new StateError("STATE_UNKNOWN_ROOT", `no committed state has root ${hex(hash)}`)
        : new StateError("STATE_MISSING_NODE", `state node ${hex(hash)} is missing from the database`);
    }
    return decodeRecord(hash, bytes);
  }

  #corrupt(hash: Uint8Array, why: string): StateError {
    return new StateError("STATE_CORRUPT_NODE", `state node ${hex(hash)} is corrupt: ${why}`);
  }

  async #value(valueHash: Uint8Array): Promise<Uint8Array> {
    const value = await this.#store.get(this.#valueKey(valueHash));
    if (value === undefined)
      throw new StateError(
        "STATE_MISSING_NODE",
        `state value ${hex(valueHash)} is missing from the database`,
      );
    return value;
  }

  #recordKey(hash: Uint8Array): Uint8Array {
    return this.#key(RECORD_TAG, hash);
  }

  #valueKey(hash: Uint8Array): Uint8Array {
    return this.#key(VALUE_TAG, hash);
  }

  #key(tag: number, hash: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.#prefix.length + 1 + HASH_BYTES);
    out.set(this.#prefix);
    out[this.#prefix.length] = tag;
    out.set(hash, this.#prefix.length + 1);
    return out;
  }
}

/** Calls `fn(nibble, lo, hi)` for each run of sorted changes sharing the nibble at `depth`. */
function forEachGroup(
  items: ReadonlyArray<{ key: Uint8Array }>,
  lo: number,
  hi: number,
  depth: number,
  fn: (nibble: number, lo: number, hi: number) => void,
): void {
  let start = lo;
  while (start < hi) {
    const nibble = nibbleAt(items[start].key, depth);
    let end = start + 1;
    while (end < hi && nibbleAt(items[end].key, depth) === nibble) end++;
    fn(nibble, start, end);
    start = end;
  }
}

/** The subtree holding exactly `entries[lo..hi)` (sorted, distinct keys) below `depth`. */
function build(depth: number, entries: Leaf[], lo: number, hi: number, created: TrieNode[]): Sub {
  if (hi === lo) return null;
  if (hi - lo === 1) return entries[lo];
  const builder = new NodeBuilder();
  forEachGroup(entries, lo, hi, depth, (i, gLo, gHi) =>
    place(builder, i, build(depth + 1, entries, gLo, gHi, created)),
  );
  return seal(builder, created);
}

function place(builder: NodeBuilder, i: number, sub: Sub): void {
  if (sub === null) builder.clear(i);
  else if (sub instanceof TrieNode) builder.setNode(i, sub.hash);
  else builder.setLeaf(i, sub.key, sub.valueHash, sub.hash);
}

/** state §2.4: no children is empty, one leaf alone is that leaf, anything else is a node. */
function seal(builder: NodeBuilder, created: TrieNode[]): Sub {
  const count = popcount16(builder.bitmap);
  if (count === 0) return null;
  if (count === 1 && builder.leafMask !== 0) {
    const i = 31 - Math.clz32(builder.leafMask);
    const at = i * SLOT_BYTES;
    return {
      key: builder.slots.slice(at + 32, at + 64),
      valueHash: builder.slots.slice(at + 64, at + 96),
      hash: (builder.known >>> i) & 1 ? builder.slots.slice(at, at + 32) : undefined,
    };
  }
  const node = builder.seal();
  created.push(node);
  return node;
}

function assertHash(name: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length !== KEY_BYTES)
    throw new RangeError(`${name} must be ${KEY_BYTES} bytes, got ${value.length}`);
}
