import { describe, expect, test } from "vitest";
import { decode, encode, t } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import { Account } from "../ledger/index.ts";
import { EMPTY_HASH, MerkleTrie, valueHashOf, verifyProof } from "../state/index.ts";
import { MemoryStore, type WriteOp } from "../store/index.ts";
import { type AccountWrite, COMPUTED_STORAGE_ITEMS, ShardStore, type StorageItem } from "./shardStore.ts";

const code = Uint8Array.of(1, 2, 3, 4, 5);
const addr = (n: number) => ({ workchain: 0n, id: new Uint8Array(32).fill(n) });
const key = (n: number) => Uint8Array.of(n);

function active(balance: bigint, storageRoot: Uint8Array = EMPTY_HASH, storageBytes = 0): Account {
  return {
    balance,
    status: { kind: "active", codeHash: sha256(code), storageRoot },
    storageBytes,
    lastPaid: 0n,
    storageDue: 0n,
    lastLt: 1n,
    lastTxHash: new Uint8Array(32),
  };
}

function deploy(n: number, balance: bigint, storage: [number, bigint][]): AccountWrite {
  return {
    address: addr(n),
    before: null,
    account: active(balance),
    code,
    storage: storage.map(([k, v]) => ({ key: key(k), value: v })),
  };
}

/** The root a stored trie of exactly `items` has (ledger §3.3), from a trie of its own. */
async function storedRoot(items: readonly { key: Uint8Array; encoding: Uint8Array }[]): Promise<Uint8Array> {
  const changes = items.map((i) => ({
    key: sha256(i.key),
    value: Uint8Array.of(i.key.length, ...i.key, ...i.encoding),
  }));
  return new MerkleTrie(new MemoryStore()).update(EMPTY_HASH, changes);
}

/** What defines an item, without what a reader may have worked out from it. */
const itemFields = (items: Iterable<[string, StorageItem]>) =>
  [...items]
    .map(([k, i]) => [k, { key: i.key, value: i.value, bytes: i.bytes, encoding: i.encoding }])
    .sort();

type Active = Account & { status: { kind: "active"; storageRoot: Uint8Array } };

/** Account 1 at `root`, which must be active. */
async function activeAt(shard: ShardStore, root: Uint8Array): Promise<Active> {
  const a = await shard.account(root, addr(1).id);
  if (a?.status.kind !== "active") throw new Error("expected an active account");
  return a as Active;
}

/**
 * A block that changes account 1's storage: its new root, account and items, whose storage root
 * must be the root of exactly those items.
 */
async function changed(
  shard: ShardStore,
  root: Uint8Array,
  before: Active,
  storage: AccountWrite["storage"],
) {
  const next = await applied(shard, root, [
    { address: addr(1), before, account: before, code: null, storage },
  ]);
  const account = await activeAt(shard, next);
  const items = [...(await shard.storageOf(addr(1))).values()];
  expect(account.status.storageRoot).toEqual(await storedRoot(items));
  return { root: next, account, items };
}

async function applied(shard: ShardStore, root: Uint8Array, writes: AccountWrite[]) {
  const prepared = await shard.prepare(root, writes);
  await shard.commit(prepared);
  return prepared.root;
}

describe("ShardStore", () => {
  test("a deployment stores code once, storage in its own root and a size of code plus items", async () => {
    const shard = new ShardStore(new MemoryStore());
    const root = await applied(shard, EMPTY_HASH, [
      deploy(1, 100n, [
        [1, 7n],
        [2, 300n],
      ]),
      deploy(2, 5n, []),
    ]);
    const a = await shard.account(root, addr(1).id);
    if (a?.status.kind !== "active") throw new Error("expected an active account");
    const items = [...(await shard.storageOf(addr(1))).values()];
    const itemBytes = items.reduce((s, i) => s + i.bytes, 0);
    expect(items.map((i) => i.value)).toEqual([7n, 300n]);
    expect(a.storageBytes).toBe(code.length + itemBytes);
    expect(a.status.storageRoot).not.toEqual(EMPTY_HASH);
    expect(await shard.code(sha256(code))).toEqual(code);
    // A small storage's root is computed from its items (chain §6.2), each under sha256(key)
    // with a value that names its key (ledger §3.3): the root of a trie holding exactly those.
    expect(a.status.storageRoot).toEqual(await storedRoot(items));
    expect(await shard.trie.hasRoot(a.status.storageRoot)).toBe(false);
    const b = await shard.account(root, addr(2).id);
    expect(b?.storageBytes).toBe(code.length);
    expect(b?.status.kind === "active" && b.status.storageRoot).toEqual(EMPTY_HASH);
  });

  test("later blocks move the size by what each change adds or removes, and proofs hold", async () => {
    const shard = new ShardStore(new MemoryStore());
    const r1 = await applied(shard, EMPTY_HASH, [
      deploy(1, 100n, [
        [1, 7n],
        [2, 300n],
      ]),
    ]);
    const before = (await shard.account(r1, addr(1).id)) as Account;
    const after = { ...before, balance: 90n };
    const r2 = await applied(shard, r1, [
      {
        address: addr(1),
        before,
        account: after,
        code: null,
        storage: [
          { key: key(1), value: null },
          { key: key(3), value: new Uint8Array(40) },
        ],
      },
    ]);
    const a = (await shard.account(r2, addr(1).id)) as Account;
    const items = [...(await shard.storageOf(addr(1))).values()];
    expect(items.map((i) => i.key)).toEqual([key(2), key(3)]);
    expect(a.storageBytes).toBe(code.length + items.reduce((s, i) => s + i.bytes, 0));
    expect(a.balance).toBe(90n);
    // The old root still answers with the old account; a proof checks against the new root.
    expect((await shard.account(r1, addr(1).id))?.balance).toBe(100n);
    const proof = await shard.trie.prove(r2, addr(1).id);
    const checked = verifyProof(r2, addr(1).id, proof);
    const bytes = (await shard.trie.get(r2, addr(1).id)) as Uint8Array;
    expect(checked).toEqual({ included: true, valueHash: valueHashOf(bytes) });
    expect(decode(Account, bytes).balance).toBe(90n);
  });

  test("a storage past the computed size gets a stored trie, whole, and a smaller one computes again", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const small = Array.from({ length: COMPUTED_STORAGE_ITEMS }, (_, i): [number, bigint] => [i, BigInt(i)]);
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, small)]);
    const a1 = await activeAt(shard, r1);
    expect(await shard.trie.hasRoot(a1.status.storageRoot)).toBe(false);
    // One more item: the whole storage is written as a trie, which answers for every item.
    const grow = { key: key(200), value: 9n };
    const s2 = await changed(shard, r1, a1, [grow]);
    expect(s2.items.length).toBe(COMPUTED_STORAGE_ITEMS + 1);
    const value = await shard.trie.get(s2.account.status.storageRoot, sha256(key(3)));
    expect(value?.subarray(2)).toEqual(encode(t.vmValue, 3n));
    const whole = Uint8Array.of(0x47, 128, ...addr(1).id);
    expect(await store.get(whole)).toBeUndefined();
    // Updated in place while big, by a node that kept nothing.
    const fresh = new ShardStore(store);
    const s3 = await changed(fresh, s2.root, s2.account, [{ key: key(3), value: 33n }]);
    expect(await fresh.trie.hasRoot(s3.account.status.storageRoot)).toBe(true);
    const again = new ShardStore(store);
    const shrink = [grow.key, key(3)].map((k) => ({ key: k, value: null }));
    const s4 = await changed(again, s3.root, s3.account, shrink);
    expect(s4.items.length).toBe(COMPUTED_STORAGE_ITEMS - 1);
    // With its map kept (a block builder's read), the next block computes the root again.
    await again.storageFor(addr(1), s4.account, true);
    const s5 = await changed(again, s4.root, s4.account, [{ key: key(4), value: 44n }]);
    expect(await again.trie.hasRoot(s5.account.status.storageRoot)).toBe(false);
    expect(await store.get(whole)).toBeDefined();
  });

  test("a computed root is updated from flat storage by a node that kept nothing (a restart)", async () => {
    const store = new MemoryStore();
    const r1 = await applied(new ShardStore(store), EMPTY_HASH, [
      deploy(1, 100n, [
        [1, 7n],
        [2, 300n],
      ]),
    ]);
    const restarted = new ShardStore(store);
    const a1 = await activeAt(restarted, r1);
    // Its items come from their one record: no range scan of flat storage.
    const entries = store.entries.bind(store);
    let scans = 0;
    store.entries = (range) => {
      scans++;
      return entries(range);
    };
    const s2 = await changed(restarted, r1, a1, [{ key: key(1), value: 8n }]);
    expect(s2.items.map((i) => i.value)).toEqual([8n, 300n]);
    expect(s2.account.storageBytes).toBe(code.length + s2.items.reduce((n, i) => n + i.bytes, 0));
    expect(scans).toBe(0);
    // A store whose computed roots have no such record (the first of format 9) scans flat storage.
    store.entries = entries;
    const small = Uint8Array.of(0x47, 128, ...addr(1).id);
    expect(await store.get(small)).toBeDefined();
    await store.write([{ type: "del", key: small }]);
    const s3 = await changed(new ShardStore(store), s2.root, s2.account, [{ key: key(2), value: 301n }]);
    expect(s3.items.map((i) => i.value)).toEqual([8n, 301n]);
    expect(await store.get(small)).toBeDefined();
  });

  test("deleting an account removes it and its flat storage", async () => {
    const shard = new ShardStore(new MemoryStore());
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 1n, [[1, 7n]])]);
    const before = await shard.account(r1, addr(1).id);
    const r2 = await applied(shard, r1, [
      { address: addr(1), before, account: null, code: null, storage: [] },
    ]);
    expect(await shard.account(r2, addr(1).id)).toBe(null);
    expect((await shard.storageOf(addr(1))).size).toBe(0);
  });

  test("a failed batch leaves state, storage and the caller's records as they were", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 1n, [[1, 7n]])]);
    const write = store.write.bind(store);
    store.write = async () => {
      throw new Error("disk full");
    };
    const before = await shard.account(r1, addr(1).id);
    const prepared = await shard.prepare(r1, [
      { address: addr(1), before, account: before, code: null, storage: [{ key: key(1), value: 8n }] },
    ]);
    const extra: WriteOp = { type: "put", key: Uint8Array.of(0x42), value: Uint8Array.of(1) };
    await expect(shard.commit(prepared, [extra])).rejects.toThrow("disk full");
    store.write = write;
    expect([...(await shard.storageOf(addr(1))).values()].map((i) => i.value)).toEqual([7n]);
    expect(await store.get(Uint8Array.of(0x42))).toBeUndefined();
    expect(await shard.trie.hasRoot(prepared.root)).toBe(false);
    // The version the failed block kept is not taken for the newest state's.
    expect(await shard.account(r1, addr(1).id)).toEqual(before);
    // Written again, it is.
    await shard.commit(prepared, [extra]);
    expect((await shard.account(prepared.root, addr(1).id))?.storageBytes).toBe(before?.storageBytes);
    expect(await shard.account(prepared.root, addr(1).id)).toEqual(
      await new ShardStore(store).account(prepared.root, addr(1).id),
    );
  });

  test("kept storage maps: a block's new map is served by its root alone and equals the flat index", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const r1 = await applied(shard, EMPTY_HASH, [
      deploy(1, 100n, [
        [1, 7n],
        [2, 300n],
      ]),
    ]);
    const a1 = (await shard.account(r1, addr(1).id)) as Account;
    // Reads of a contract's storage from the store: a range scan of flat storage, or the one
    // record of a computed-root storage ("G", chain §6.2).
    let scans = 0;
    const entries = store.entries.bind(store);
    store.entries = (range) => {
      scans++;
      return entries(range);
    };
    const get = store.get.bind(store);
    store.get = (k) => {
      if (k[0] === 0x47) scans++;
      return get(k);
    };
    // The deployment's map was kept when it was prepared.
    await shard.storageFor(addr(1), a1, false);
    expect(scans).toBe(0);
    // Another reader's map is served but not kept, unless it is the block builder's read.
    const other = new ShardStore(store);
    await other.storageFor(addr(1), a1, false);
    await other.storageFor(addr(1), a1, true);
    await other.storageFor(addr(1), a1, true);
    expect(scans).toBe(2);
    const r2 = await applied(shard, r1, [
      {
        address: addr(1),
        before: a1,
        account: { ...a1, balance: 90n },
        code: null,
        storage: [
          { key: key(1), value: null },
          { key: key(3), value: 5n },
        ],
      },
    ]);
    const a2 = (await shard.account(r2, addr(1).id)) as Account;
    scans = 0;
    const kept = await shard.storageFor(addr(1), a2, false);
    expect(scans).toBe(0);
    const flat = await shard.storageOf(addr(1));
    expect(itemFields(kept.entries())).toEqual(itemFields(flat.entries()));
    expect(a2.storageBytes).toBe(code.length + [...kept.values()].reduce((n, i) => n + i.bytes, 0));
    // Accounts that are not active have no storage to read.
    expect((await shard.storageFor(addr(9), null, true)).size).toBe(0);
  });

  test("kept accounts answer as the trie does, at old roots too", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, [])]);
    const a1 = (await shard.account(r1, addr(1).id)) as Account;
    const r2 = await applied(shard, r1, [
      { address: addr(1), before: a1, account: { ...a1, balance: 90n }, code: null, storage: [] },
    ]);
    const fresh = new ShardStore(store);
    for (const root of [r1, r2, r1]) {
      expect(await shard.account(root, addr(1).id)).toEqual(await fresh.account(root, addr(1).id));
    }
    expect(await shard.account(r2, addr(2).id)).toBe(null);
  });

  test("a kept account read again at the root it was found at needs no walk; another root does", async () => {
    const shard = new ShardStore(new MemoryStore());
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, [])]);
    const a1 = (await shard.account(r1, addr(1).id)) as Account;
    const r2 = await applied(shard, r1, [
      { address: addr(1), before: a1, account: { ...a1, balance: 90n }, code: null, storage: [] },
    ]);
    const walks = countWalks(shard);
    // Another root walks, and answers with its own version.
    expect((await shard.account(r1, addr(1).id))?.balance).toBe(100n);
    expect(walks()).toBe(1);
    // At an equal root (another array with the same bytes), no walk.
    expect((await shard.account(r1.slice(), addr(1).id))?.balance).toBe(100n);
    expect(walks()).toBe(1);
    // The newest root: the kept version is now r1's, so it walks once, then knows.
    expect((await shard.account(r2, addr(1).id))?.balance).toBe(90n);
    expect((await shard.account(r2, addr(1).id))?.balance).toBe(90n);
    expect(walks()).toBe(2);
    // Changing the array it was found with does not change what it was found at.
    const held = r1.slice();
    expect((await shard.account(held, addr(1).id))?.balance).toBe(100n);
    held.fill(0);
    expect(await shard.account(held, addr(1).id)).toBe(null);
  });

  test("after a commit, what it wrote and what it left are read at the new root with no walk", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, []), deploy(2, 50n, [])]);
    const walks = countWalks(shard);
    const a1 = (await shard.account(r1, addr(1).id)) as Account;
    expect((await shard.account(r1, addr(2).id))?.balance).toBe(50n);
    const r2 = await applied(shard, r1, [
      { address: addr(1), before: a1, account: { ...a1, balance: 90n }, code: null, storage: [] },
    ]);
    const a2 = (await shard.account(r2, addr(2).id)) as Account;
    const r3 = await applied(shard, r2, [
      { address: addr(2), before: a2, account: null, code: null, storage: [] },
    ]);
    expect((await shard.account(r3, addr(1).id))?.balance).toBe(90n);
    expect(walks()).toBe(0);
    // A deleted account is not served from what was kept for it.
    expect(await shard.account(r3, addr(2).id)).toBe(null);
    const fresh = new ShardStore(store);
    for (const root of [r1, r2, r3])
      for (const n of [1, 2])
        expect(await shard.account(root, addr(n).id)).toEqual(await fresh.account(root, addr(n).id));
  });

  test("a version read between a block's prepare and its commit is walked again after it", async () => {
    const shard = new ShardStore(new MemoryStore());
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, [])]);
    const a1 = (await shard.account(r1, addr(1).id)) as Account;
    const prepared = await shard.prepare(r1, [
      { address: addr(1), before: a1, account: { ...a1, balance: 90n }, code: null, storage: [] },
    ]);
    // The mempool reads the newest committed state while the block is being written.
    const walks = countWalks(shard);
    expect((await shard.account(r1, addr(1).id))?.balance).toBe(100n);
    await shard.commit(prepared);
    expect((await shard.account(prepared.root, addr(1).id))?.balance).toBe(90n);
    expect(walks()).toBe(2);
  });

  test("a commit off the newest root trusts nothing kept before it", async () => {
    const shard = new ShardStore(new MemoryStore());
    const r1 = await applied(shard, EMPTY_HASH, [deploy(1, 100n, []), deploy(2, 50n, [])]);
    // Another line from the empty state: account 2 does not exist there.
    const other = await applied(shard, EMPTY_HASH, [deploy(1, 70n, [])]);
    const walks = countWalks(shard);
    expect((await shard.account(other, addr(1).id))?.balance).toBe(70n);
    expect(await shard.account(other, addr(2).id)).toBe(null);
    expect(walks()).toBe(1);
    expect((await shard.account(r1, addr(2).id))?.balance).toBe(50n);
  });

  test("each workchain has its own newest root", async () => {
    const shard = new ShardStore(new MemoryStore());
    const base = await shard.prepare(EMPTY_HASH, [deploy(1, 100n, [])]);
    const master = await shard.prepare(EMPTY_HASH, [
      { ...deploy(2, 5n, []), address: { workchain: -1n, id: addr(2).id } },
    ]);
    await shard.commitMany([
      { workchain: 0n, prepared: base },
      { workchain: -1n, prepared: master },
    ]);
    const walks = countWalks(shard);
    expect((await shard.account(base.root, addr(1).id))?.balance).toBe(100n);
    expect((await shard.account(master.root, addr(2).id))?.balance).toBe(5n);
    expect(walks()).toBe(0);
    // Each chain's accounts are absent from the other's state, however they were kept.
    expect(await shard.account(master.root, addr(1).id)).toBe(null);
    expect(await shard.account(base.root, addr(2).id)).toBe(null);
    await expect(
      shard.commitMany([
        { workchain: 0n, prepared: base },
        { workchain: 0n, prepared: master },
      ]),
    ).rejects.toThrow("one prepared state per workchain");
  });

  test("one id in both workchains: a block of one never answers for the other", async () => {
    const store = new MemoryStore();
    const shard = new ShardStore(store);
    const inMaster = { workchain: -1n, id: addr(1).id };
    const b1 = await shard.prepare(EMPTY_HASH, [deploy(1, 100n, [])]);
    const m1 = await shard.prepare(EMPTY_HASH, [{ ...deploy(1, 5n, []), address: inMaster }]);
    await shard.commitMany([
      { workchain: 0n, prepared: b1 },
      { workchain: -1n, prepared: m1 },
    ]);
    const a = (await shard.account(b1.root, addr(1).id)) as Account;
    const m = (await shard.account(m1.root, inMaster.id)) as Account;
    const b2 = await shard.prepare(b1.root, [
      { address: addr(1), before: a, account: { ...a, balance: 90n }, code: null, storage: [] },
    ]);
    const m2 = await shard.prepare(m1.root, [
      { address: inMaster, before: m, account: { ...m, balance: 4n }, code: null, storage: [] },
    ]);
    await shard.commitMany([
      { workchain: -1n, prepared: m2 },
      { workchain: 0n, prepared: b2 },
    ]);
    const fresh = new ShardStore(store);
    for (const root of [b1.root, m1.root, b2.root, m2.root, b2.root, m2.root])
      expect(await shard.account(root, addr(1).id)).toEqual(await fresh.account(root, addr(1).id));
    expect((await shard.account(b2.root, addr(1).id))?.balance).toBe(90n);
    expect((await shard.account(m2.root, addr(1).id))?.balance).toBe(4n);
  });
});

/** Counts the trie walks the shard store makes from now on. */
function countWalks(shard: ShardStore): () => number {
  let walks = 0;
  const getLeafHash = shard.trie.getLeafHash.bind(shard.trie);
  shard.trie.getLeafHash = (root, id) => {
    walks++;
    return getLeafHash(root, id);
  };
  return () => walks;
}
