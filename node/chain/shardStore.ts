// A shard's state on disk (ledger §3): one Merkle trie holds the accounts root and every
// contract's storage root; code is stored once per hash; a flat index of each contract's storage
// gives the VM its synchronous reads at the newest state. A block's changes land in one batch.
// Decoded accounts and whole storage maps are kept, one version per account: a wallet is read by
// the mempool's check and again by its block, and a LevelDB read and a range scan cost more than
// the run itself. Keyed by the account, not by the hash of the version, a new version replaces
// the old one at once: kept by hash, every block left its accounts' earlier versions in the cache
// until the least recently used went, so each transfer's objects lived long enough to be copied
// into V8's old generation and to be collected there.

import type { StorageChange, Value } from "../../vm/index.ts";
import { limits } from "../../vm/index.ts";
import { equalBytes, toHex } from "../bytes/index.ts";
import { decode, encode, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import { Account, type LedgerAddress } from "../ledger/index.ts";
import {
  EMPTY_HASH,
  type LeafOfSet,
  leafHash,
  MAX_VALUE_BYTES,
  MerkleTrie,
  type PreparedUpdate,
  rootOfLeaves,
  type TrieChange,
  valueHashOf,
} from "../state/index.ts";
import { type KvStore, prefixEnd, type WriteOp } from "../store/index.ts";
import { HashLru } from "./hashLru.ts";
import { key, wcByte } from "./records.ts";

// "Z": the highest prefix of the store (chain §6.2). The trie appends each version's records above
// all earlier ones (state §3); with no other records above them, LevelDB moves its new files down
// the levels whole instead of merging them with a file that straddles into the next prefix.
const TRIE_PREFIX = Uint8Array.of(0x5a);
const CODE_PREFIX = 0x43; // "C" ‖ code hash → code
const FLAT_PREFIX = 0x46; // "F" ‖ workchain ‖ account id ‖ storage key → value encoding
const SMALL_PREFIX = 0x47; // "G" ‖ workchain ‖ account id → a computed-root storage whole (SmallStorage)

/** What one block did to one account: the result of its transactions, in order, folded. */
export interface AccountWrite {
  address: LedgerAddress;
  /** The account at the start of the block (null: it did not exist). */
  before: Account | null;
  /** After the block; null: deleted. */
  account: Account | null;
  /** Code to store (a deployment or SETCODE). */
  code: Uint8Array | null;
  storage: readonly StorageChange[];
  /**
   * A transaction of the block deleted the account (destroyed, or frozen past deleteDue): its
   * storage before the block is gone, whatever came after (a redeploy starts from its init).
   */
  wiped?: boolean;
}

/** One item of a contract's storage; `bytes` is what it counts in the account's size (ledger §3.3). */
export interface StorageItem {
  key: Uint8Array;
  value: Value;
  bytes: number;
  /** The value's canonical encoding (the flat index's record): a dry run's wire carries it as is. */
  encoding: Uint8Array;
  /** Its leaf in the storage trie, worked out once when a computed root first needs it. */
  leaf?: LeafOfSet;
}

/** A contract's storage by the hex of each key. Shared with the caches: never changed in place. */
export type StorageItems = ReadonlyMap<string, StorageItem>;

const NO_ITEMS: StorageItems = new Map();
/** Bigger maps are read from the flat index each time: copying them per block would cost more. */
const MAX_KEPT_ITEMS = 4_096;
/**
 * chain §6.2: a storage of at most this many items has its root computed from its items, and no
 * trie of it is stored; a bigger one is a stored trie, updated in place.
 */
export const COMPUTED_STORAGE_ITEMS = 32;

/**
 * chain §6.2: every item of a storage whose root is computed, in one record beside its flat
 * entries, so that a node that keeps no map of it reads it with one get, not a range scan (with
 * the scan, a block cost 203 µs of CPU per such contract against the stored trie's 117).
 */
const SmallStorage = t.list(
  t.struct("SmallStorageItem", {
    key: t.varBytes(limits.MAX_KEY_BYTES),
    encoding: t.varBytes(MAX_VALUE_BYTES),
  }),
  COMPUTED_STORAGE_ITEMS,
);
/** Rough bytes of a kept entry beyond its encoding (object, map slot, key string). */
const ENTRY_OVERHEAD = 160;
/** Bytes of code kept by hash. */
const CODE_CACHE_BYTES = 16 * 1024 * 1024;

export interface PreparedState {
  /** The root it was prepared on. */
  base: Uint8Array;
  root: Uint8Array;
  updates: PreparedUpdate[];
  ops: WriteOp[];
  /** Every account it writes, with the entry it kept for it (null: deleted, or a later write won). */
  written: readonly { id: Uint8Array; kept: KeptAccount | null }[];
}

/** ledger §3.3: the trie value of a storage item names its key, so the map can be listed and proved. */
function storageTrieValue(key: Uint8Array, encoding: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length + encoding.length);
  out[0] = key.length;
  out.set(key, 1);
  out.set(encoding, 1 + key.length);
  return out;
}

/** An item's leaf in its contract's storage trie (ledger §3.3, state §2.2). */
function storageLeaf(item: StorageItem): LeafOfSet {
  if (item.leaf === undefined) {
    const key = sha256(item.key);
    item.leaf = { key, hash: leafHash(key, valueHashOf(storageTrieValue(item.key, item.encoding))) };
  }
  return item.leaf;
}

/** Where a computed-root storage is kept whole (SmallStorage). */
function smallKey(address: LedgerAddress): Uint8Array {
  return key(SMALL_PREFIX, wcByte(address.workchain), address.id);
}

/** Every item of a storage as the changes that write it into an empty trie. */
function wholeStorage(items: StorageItems): TrieChange[] {
  const out: TrieChange[] = [];
  for (const item of items.values())
    out.push({ key: storageLeaf(item).key, value: storageTrieValue(item.key, item.encoding) });
  return out;
}

interface KeptAccount {
  /** The trie leaf's hash for this record: it names the key and value together. */
  leafHash: Uint8Array;
  account: Account;
  record: Uint8Array;
  /**
   * The last state root at which the trie's leaf was found to hold this version (the store's own
   * array, never changed; a caller's is copied). A root names one state forever, so another read
   * at that root needs no walk down the trie: the mempool's check of a sender and the block that
   * then runs it read at the same root, and the walks were 5% of the block builder's thread.
   */
  checkedAt: Uint8Array | null;
  /**
   * The commit count at which this version was known to be the account's at the newest committed
   * root of `workchain` (-1: never). Every commit since either wrote the account, and then marked
   * or dropped this entry, or left it as it is: so while that root's line of commits is unbroken,
   * the entry is current there with no walk, whatever the block just written.
   */
  epoch: number;
  workchain: bigint | null;
}

/** The newest committed root of a workchain, and the commit from which its line is unbroken. */
interface Head {
  root: Uint8Array;
  since: number;
}

export interface ShardStoreOptions {
  /** Bytes of decoded trie nodes kept (MerkleTrie's cacheBytes). */
  cacheBytes?: number;
  /** Rough bytes of decoded accounts and storage maps kept (default 64 MiB). */
  keptBytes?: number;
}

export class ShardStore {
  readonly trie: MerkleTrie;
  readonly #store: KvStore;
  /** By account id: the decoded record of one version, and its trie leaf's hash. */
  readonly #accounts: HashLru<KeptAccount>;
  /** By account id: the storage map of one version, and its storage root. */
  readonly #storage: HashLru<{ root: Uint8Array; items: StorageItems }>;
  /** Code by hash, bounded by bytes: every contract deployed adds one, and any sender can deploy. */
  readonly #code = new HashLru<Uint8Array>(CODE_CACHE_BYTES);
  /** By workchain: the root its last commit made, as committed through this store. */
  readonly #heads = new Map<bigint, Head>();
  /** Commits made through this store. */
  #epoch = 0;

  constructor(store: KvStore, options: ShardStoreOptions = {}) {
    this.#store = store;
    this.trie = new MerkleTrie(store, { prefix: TRIE_PREFIX, cacheBytes: options.cacheBytes });
    const kept = options.keptBytes ?? 64 * 1024 * 1024;
    this.#accounts = new HashLru(Math.floor(kept / 4));
    this.#storage = new HashLru(kept - Math.floor(kept / 4));
  }

  async account(root: Uint8Array, id: Uint8Array): Promise<Account | null> {
    return (await this.accountRecord(root, id))?.account ?? null;
  }

  /** The account at `root` with its record, the bytes the trie holds (its canonical encoding). */
  async accountRecord(
    root: Uint8Array,
    id: Uint8Array,
  ): Promise<{ account: Account; record: Uint8Array } | null> {
    const kept = this.#accounts.get(id);
    if (kept !== undefined && this.#currentAt(kept, root)) return kept;
    if (kept?.checkedAt != null && equalBytes(kept.checkedAt, root)) return kept;
    const hash = await this.trie.getLeafHash(root, id);
    if (hash === undefined) return null;
    if (kept !== undefined && equalBytes(kept.leafHash, hash)) {
      kept.checkedAt = root.slice();
      this.#stamp(kept, root);
      return kept;
    }
    const record = await this.trie.get(root, id);
    if (record === undefined) return null;
    const entry: KeptAccount = {
      leafHash: hash,
      account: decode(Account, record),
      record,
      checkedAt: root.slice(),
      epoch: -1,
      workchain: null,
    };
    this.#stamp(entry, root);
    this.#accounts.set(id, entry, record.length + ENTRY_OVERHEAD);
    return entry;
  }

  /** Whether `kept` is the account's version at `root` by the commits alone (no walk). */
  #currentAt(kept: KeptAccount, root: Uint8Array): boolean {
    if (kept.workchain === null) return false;
    const head = this.#heads.get(kept.workchain);
    return head !== undefined && kept.epoch >= head.since && equalBytes(head.root, root);
  }

  /** `kept` was just found at `root`: if that is a workchain's newest root, it is current there. */
  #stamp(kept: KeptAccount, root: Uint8Array): void {
    for (const [workchain, head] of this.#heads) {
      if (!equalBytes(head.root, root)) continue;
      kept.epoch = this.#epoch;
      kept.workchain = workchain;
      return;
    }
  }

  /**
   * The storage of `account`, read at `root`'s state. From the kept maps by storage root, else
   * from the flat index, which holds the newest committed state: only a caller that read
   * `account` at that state and lets nothing commit in between (the block builder) may `keep`
   * what it read, so that a map is only ever kept under its own root.
   */
  async storageFor(address: LedgerAddress, account: Account | null, keep: boolean): Promise<StorageItems> {
    if (account === null || account.status.kind === "uninit") return NO_ITEMS;
    const root = account.status.storageRoot;
    const kept = this.#keptStorage(address.id, root);
    if (kept !== undefined) return kept;
    const items = await this.storageOf(address);
    if (keep) this.#keepStorage(address.id, root, items);
    return items;
  }

  #keptStorage(id: Uint8Array, root: Uint8Array): StorageItems | undefined {
    const kept = this.#storage.get(id);
    return kept !== undefined && equalBytes(kept.root, root) ? kept.items : undefined;
  }

  #keepStorage(id: Uint8Array, root: Uint8Array, items: StorageItems): void {
    if (items.size > MAX_KEPT_ITEMS) return;
    let cost = ENTRY_OVERHEAD;
    for (const item of items.values()) cost += item.bytes + ENTRY_OVERHEAD;
    this.#storage.set(id, { root, items }, cost);
  }

  /** Code by its hash; most accounts run one of a few programs, so it is kept. */
  async code(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const kept = this.#code.get(hash);
    if (kept !== undefined) return kept;
    const code = await this.#store.get(key(CODE_PREFIX, hash));
    if (code !== undefined) this.#code.set(hash, code, code.length + ENTRY_OVERHEAD);
    return code;
  }

  /**
   * An account at `root` with what the VM runs it with: its code and storage (an active or a
   * frozen account; a frozen one runs again once its debt is paid). `keep` as for storageFor.
   */
  async contractAt(
    root: Uint8Array,
    address: LedgerAddress,
    keep: boolean,
  ): Promise<{
    account: Account | null;
    record: Uint8Array | null;
    code: Uint8Array | null;
    items: StorageItems | null;
  }> {
    const found = await this.accountRecord(root, address.id);
    const account = found?.account ?? null;
    const record = found?.record ?? null;
    if (account === null || account.status.kind === "uninit")
      return { account, record, code: null, items: null };
    const code = await this.code(account.status.codeHash);
    if (code === undefined) throw new Error(`state corrupt: no code for ${toHex(address.id)}`);
    return { account, record, code, items: await this.storageFor(address, account, keep) };
  }

  /** A contract's whole storage at the newest committed state, for the VM's synchronous reads. */
  async storageOf(address: LedgerAddress): Promise<Map<string, StorageItem>> {
    return (await this.#smallStorage(address)) ?? this.#flatStorage(address);
  }

  /** A contract's storage from its flat entries, one range scan. */
  async #flatStorage(address: LedgerAddress): Promise<Map<string, StorageItem>> {
    const start = key(FLAT_PREFIX, wcByte(address.workchain), address.id);
    const out = new Map<string, StorageItem>();
    for await (const [k, v] of this.#store.entries({ start, end: prefixEnd(start) })) {
      const key = k.slice(start.length);
      out.set(toHex(key), { key, value: decode(t.vmValue, v), bytes: key.length + v.length, encoding: v });
    }
    return out;
  }

  /**
   * The records of a block's account writes on top of `root`: the storage tries of the contracts
   * it changed, then the accounts trie, with each account's storage root and size refreshed
   * (ledger §3.3). Sizes move by the bytes each change adds or removes, so a block costs what it
   * touches, not what the contracts hold.
   */
  async prepare(root: Uint8Array, writes: readonly AccountWrite[]): Promise<PreparedState> {
    const updates: PreparedUpdate[] = [];
    const ops: WriteOp[] = [];
    const accountChanges: TrieChange[] = [];
    // Kept once the accounts trie has hashed their records (by position in accountChanges).
    const written: { id: Uint8Array; account: Account; record: Uint8Array; at: number }[] = [];
    // What the commit must settle in the kept accounts: deletes first, then each write's entry.
    const touched: { id: Uint8Array; kept: KeptAccount | null }[] = [];
    for (const w of writes) {
      const id = w.address.id;
      if (w.code !== null) ops.push({ type: "put", key: key(CODE_PREFIX, sha256(w.code)), value: w.code });
      if (w.account === null) {
        touched.push({ id, kept: null });
        accountChanges.push({ key: id, value: null });
        await this.#deleteFlatStorage(w.address, ops);
        continue;
      }
      let account = w.account;
      // Code and storage of an active or frozen account at the block's start, unless the block
      // deleted it: then none of that storage may carry over.
      let prior = w.before === null || w.before.status.kind === "uninit" ? null : w.before.status;
      if (prior !== null && w.wiped === true) {
        await this.#deleteFlatStorage(w.address, ops);
        prior = null;
      }
      if (account.status.kind === "active") {
        let size = prior !== null ? BigInt(w.before?.storageBytes ?? 0) : 0n;
        if (w.code !== null) {
          const old = prior !== null ? await this.code(prior.codeHash) : undefined;
          size += BigInt(w.code.length - (old?.length ?? 0));
        }
        const flatKeys = w.storage.map((c) => key(FLAT_PREFIX, wcByte(w.address.workchain), id, c.key));
        // The storage before the block: none for a new account, else the kept map of its root.
        let before = prior === null ? NO_ITEMS : this.#keptStorage(id, prior.storageRoot);
        // A computed root (chain §6.2) has no stored trie to update: its few items are in its one
        // record, or, as the first stores of format 9 kept them, only in flat storage.
        if (before === undefined && w.storage.length > 0) {
          before = await this.#smallStorage(w.address);
          if (before === undefined && !(await this.trie.hasRoot(prior?.storageRoot ?? EMPTY_HASH)))
            before = await this.#flatStorage(w.address);
        }
        const olds =
          before === undefined
            ? (await this.#store.getMany(flatKeys)).map((v, i) =>
                v === undefined ? 0 : w.storage[i].key.length + v.length,
              )
            : w.storage.map((c) => before.get(toHex(c.key))?.bytes ?? 0);
        const after =
          w.storage.length > 0 && before !== undefined && before.size <= MAX_KEPT_ITEMS
            ? new Map(before)
            : null;
        const changes: TrieChange[] = [];
        // The items the block wrote, with their trie changes: their leaves, if a computed root needs them.
        const added: [StorageItem, { key: Uint8Array; value: Uint8Array }][] = [];
        w.storage.forEach((c, i) => {
          size -= BigInt(olds[i]);
          if (c.value === null) {
            changes.push({ key: sha256(c.key), value: null });
            ops.push({ type: "del", key: flatKeys[i] });
            after?.delete(toHex(c.key));
          } else {
            const enc = encode(t.vmValue, c.value);
            const bytes = c.key.length + enc.length;
            size += BigInt(bytes);
            const change = { key: sha256(c.key), value: storageTrieValue(c.key, enc) };
            changes.push(change);
            ops.push({ type: "put", key: flatKeys[i], value: enc });
            if (after === null) return;
            const item: StorageItem = { key: c.key, value: c.value, bytes, encoding: enc.slice() };
            after.set(toHex(c.key), item);
            added.push([item, change]);
          }
        });
        if (size < 0n || size > 0xffff_ffffn)
          throw new Error(`storage size of ${toHex(id)} out of range: ${size}`);
        let storageRoot = account.status.storageRoot;
        if (changes.length > 0 && after !== null && after.size <= COMPUTED_STORAGE_ITEMS) {
          for (const [item, { key, value }] of added)
            item.leaf = { key, hash: leafHash(key, valueHashOf(value)) };
          const items = [...after.values()];
          storageRoot = rootOfLeaves(items.map(storageLeaf));
          const whole = items.map((i) => ({ key: i.key, encoding: i.encoding }));
          ops.push({ type: "put", key: smallKey(w.address), value: encode(SmallStorage, whole) });
        } else if (changes.length > 0) {
          // A stored trie from here on: one that grew out of a computed root is written whole.
          const computed =
            after !== null &&
            before !== undefined &&
            before.size <= COMPUTED_STORAGE_ITEMS &&
            !(await this.trie.hasRoot(storageRoot));
          const update = computed
            ? await this.trie.prepare(EMPTY_HASH, wholeStorage(after))
            : await this.trie.prepare(storageRoot, changes);
          // Without a map (`before` undefined) the record was looked for above and is not there.
          if (before !== undefined && before.size <= COMPUTED_STORAGE_ITEMS)
            ops.push({ type: "del", key: smallKey(w.address) });
          updates.push(update);
          storageRoot = update.root;
        }
        // Kept under the root the trie computed for exactly these items, written or not yet.
        if (after !== null) this.#keepStorage(id, storageRoot, after);
        account = { ...account, status: { ...account.status, storageRoot }, storageBytes: Number(size) };
      }
      const record = encode(Account, account);
      written.push({ id, account, record, at: accountChanges.length });
      accountChanges.push({ key: id, value: record });
    }
    const accountsUpdate = await this.trie.prepare(root, accountChanges);
    updates.push(accountsUpdate);
    for (const { id, account, record, at } of written) {
      const hash = accountsUpdate.leafHashes[at];
      if (hash === null) {
        touched.push({ id, kept: null }); // a later write of the same account in this block won
        continue;
      }
      // Not yet at any root: the block's state may never be committed.
      const entry: KeptAccount = {
        leafHash: hash,
        account,
        // A copy: the encoding is carved from a chunk of the round's encodings (codec's arena).
        record: record.slice(),
        checkedAt: null,
        epoch: -1,
        workchain: null,
      };
      this.#accounts.set(id, entry, record.length + ENTRY_OVERHEAD);
      touched.push({ id, kept: entry });
    }
    return { base: root.slice(), root: accountsUpdate.root, updates, ops, written: touched };
  }

  /** A computed-root storage from its one record, or undefined if `address` has none. */
  async #smallStorage(address: LedgerAddress): Promise<Map<string, StorageItem> | undefined> {
    const record = await this.#store.get(smallKey(address));
    if (record === undefined) return undefined;
    const out = new Map<string, StorageItem>();
    for (const { key, encoding } of decode(SmallStorage, record))
      out.set(toHex(key), {
        key,
        value: decode(t.vmValue, encoding),
        bytes: key.length + encoding.length,
        encoding,
      });
    return out;
  }

  /** The deletes of every storage record of `address`, flat or whole (a deleted or wiped account). */
  async #deleteFlatStorage(address: LedgerAddress, ops: WriteOp[]): Promise<void> {
    ops.push({ type: "del", key: smallKey(address) });
    for (const item of (await this.storageOf(address)).values())
      ops.push({ type: "del", key: key(FLAT_PREFIX, wcByte(address.workchain), address.id, item.key) });
  }

  /**
   * Writes a prepared state of `workchain` (the basechain unless told) and the caller's records
   * (the block) in one atomic batch.
   */
  async commit(prepared: PreparedState, extraOps: readonly WriteOp[] = [], workchain = 0n): Promise<void> {
    await this.commitMany([{ workchain, prepared }], extraOps);
  }

  /**
   * Writes prepared states (one per workchain: a round's blocks) and the caller's records in one
   * atomic batch; then each is its workchain's newest root, and the accounts it wrote are known
   * to be current there.
   */
  async commitMany(
    states: readonly { workchain: bigint; prepared: PreparedState }[],
    extraOps: readonly WriteOp[] = [],
  ): Promise<void> {
    const chains = new Set(states.map((s) => s.workchain));
    if (chains.size !== states.length) throw new TypeError("commitMany: one prepared state per workchain");
    const updates: PreparedUpdate[] = [];
    const ops: WriteOp[] = [];
    for (const { prepared } of states) {
      updates.push(...prepared.updates);
      ops.push(...prepared.ops);
    }
    ops.push(...extraOps);
    await this.trie.commitMany(updates, ops);
    for (const { workchain, prepared } of states) this.#advance(workchain, prepared);
  }

  #advance(workchain: bigint, prepared: PreparedState): void {
    const epoch = ++this.#epoch;
    const head = this.#heads.get(workchain);
    // Built on another root (a first commit, or one off the line): no older entry is trusted.
    const since = head !== undefined && equalBytes(head.root, prepared.base) ? head.since : epoch;
    const root = prepared.root.slice();
    this.#heads.set(workchain, { root, since });
    for (const { id, kept } of prepared.written) {
      const current = this.#accounts.get(id);
      if (current === undefined) continue;
      if (current === kept) {
        kept.checkedAt = root;
        kept.epoch = epoch;
        kept.workchain = workchain;
      } else {
        // Another version (an older read, or a later block's): it must walk to be trusted again.
        current.epoch = -1;
        current.workchain = null;
      }
    }
  }
}
