// A shard's state on disk (ledger §3): one Merkle trie holds the accounts root and every
// contract's storage root; code is stored once per hash; a flat index of each contract's storage
// gives the VM its synchronous reads at the newest state. A block's changes land in one batch.

import type { StorageChange, Value } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { decode, encode, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import { Account, type LedgerAddress } from "../ledger/index.ts";
import { MerkleTrie, type PreparedUpdate, type TrieChange } from "../state/index.ts";
import type { KvStore, WriteOp } from "../store/index.ts";
import { key, prefixEnd, wcByte } from "./records.ts";

const TRIE_PREFIX = Uint8Array.of(0x54); // "T"
const CODE_PREFIX = 0x43; // "C" ‖ code hash → code
const FLAT_PREFIX = 0x46; // "F" ‖ workchain ‖ account id ‖ storage key → value encoding

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
}

export interface PreparedState {
  root: Uint8Array;
  updates: PreparedUpdate[];
  ops: WriteOp[];
}

/** ledger §3.3: the trie value of a storage item names its key, so the map can be listed and proved. */
function storageTrieValue(key: Uint8Array, encoding: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length + encoding.length);
  out[0] = key.length;
  out.set(key, 1);
  out.set(encoding, 1 + key.length);
  return out;
}

export class ShardStore {
  readonly trie: MerkleTrie;
  readonly #store: KvStore;

  constructor(store: KvStore, options: { cacheBytes?: number } = {}) {
    this.#store = store;
    this.trie = new MerkleTrie(store, { prefix: TRIE_PREFIX, cacheBytes: options.cacheBytes });
  }

  async account(root: Uint8Array, id: Uint8Array): Promise<Account | null> {
    const bytes = await this.trie.get(root, id);
    return bytes === undefined ? null : decode(Account, bytes);
  }

  async code(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#store.get(key(CODE_PREFIX, hash));
  }

  /** A contract's whole storage at the newest committed state, for the VM's synchronous reads. */
  async storageOf(
    address: LedgerAddress,
  ): Promise<Map<string, { key: Uint8Array; value: Value; bytes: number }>> {
    const start = key(FLAT_PREFIX, wcByte(address.workchain), address.id);
    const out = new Map<string, { key: Uint8Array; value: Value; bytes: number }>();
    for await (const [k, v] of this.#store.entries({ start, end: prefixEnd(start) })) {
      const key = k.slice(start.length);
      out.set(toHex(key), { key, value: decode(t.vmValue, v), bytes: key.length + v.length });
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
    for (const w of writes) {
      const id = w.address.id;
      if (w.code !== null) ops.push({ type: "put", key: key(CODE_PREFIX, sha256(w.code)), value: w.code });
      if (w.account === null) {
        accountChanges.push({ key: id, value: null });
        for (const item of (await this.storageOf(w.address)).values())
          ops.push({ type: "del", key: key(FLAT_PREFIX, wcByte(w.address.workchain), id, item.key) });
        continue;
      }
      let account = w.account;
      if (account.status.kind === "active") {
        const wasActive = w.before?.status.kind === "active";
        let size = wasActive ? BigInt(w.before?.storageBytes ?? 0) : 0n;
        if (w.code !== null) {
          const old =
            wasActive && w.before?.status.kind === "active"
              ? await this.code(w.before.status.codeHash)
              : undefined;
          size += BigInt(w.code.length - (old?.length ?? 0));
        }
        const flatKeys = w.storage.map((c) => key(FLAT_PREFIX, wcByte(w.address.workchain), id, c.key));
        const olds = await this.#store.getMany(flatKeys);
        const changes: TrieChange[] = [];
        w.storage.forEach((c, i) => {
          const old = olds[i];
          if (old !== undefined) size -= BigInt(c.key.length + old.length);
          if (c.value === null) {
            changes.push({ key: sha256(c.key), value: null });
            ops.push({ type: "del", key: flatKeys[i] });
          } else {
            const enc = encode(t.vmValue, c.value);
            size += BigInt(c.key.length + enc.length);
            changes.push({ key: sha256(c.key), value: storageTrieValue(c.key, enc) });
            ops.push({ type: "put", key: flatKeys[i], value: enc });
          }
        });
        if (size < 0n || size > 0xffff_ffffn)
          throw new Error(`storage size of ${toHex(id)} out of range: ${size}`);
        let storageRoot = account.status.storageRoot;
        if (changes.length > 0) {
          const update = await this.trie.prepare(storageRoot, changes);
          updates.push(update);
          storageRoot = update.root;
        }
        account = { ...account, status: { ...account.status, storageRoot }, storageBytes: Number(size) };
      }
      accountChanges.push({ key: id, value: encode(Account, account) });
    }
    const accountsUpdate = await this.trie.prepare(root, accountChanges);
    updates.push(accountsUpdate);
    return { root: accountsUpdate.root, updates, ops };
  }

  /** Writes a prepared state and the caller's records (the block) in one atomic batch. */
  async commit(prepared: PreparedState, extraOps: readonly WriteOp[] = []): Promise<void> {
    await this.trie.commitMany(prepared.updates, [...prepared.ops, ...extraOps]);
  }
}
