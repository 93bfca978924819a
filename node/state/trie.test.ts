import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import { compareBytes, equalBytes } from "../bytes/index.ts";
import { CodecError } from "../codec/index.ts";
import { sha256Concat } from "../crypto/index.ts";
import { type KvStore, LevelStore, MemoryStore, StoreError, type WriteOp } from "../store/index.ts";
import {
  decodeProof,
  EMPTY_HASH,
  encodeProof,
  leafHash,
  MerkleTrie,
  type PreparedUpdate,
  StateError,
  valueHashOf,
  verifyProof,
} from "./index.ts";
import { RECORD, ROOT_MARK } from "./recordKeys.ts";
import { referenceRoot } from "./referenceRoot.testkit.ts";

/**
 * A MemoryStore whose next few writes fail, as a full disk would make them, and next few point
 * reads; it keeps the blobs written (nodes and values) so a test can damage or lose one.
 */
class FaultyStore extends MemoryStore {
  failedWrites = 0;
  failedGets = 0;
  failedBlobWrites = 0;
  readonly blobs: Array<{ ref: Uint8Array; item: Uint8Array }> = [];
  readonly #lost = new Set<string>();
  override async writeBlobs(refs: readonly Uint8Array[], items: readonly Uint8Array[]): Promise<void> {
    if (this.failedBlobWrites > 0) {
      this.failedBlobWrites--;
      throw new Error("disk full");
    }
    await super.writeBlobs(refs, items);
    for (const [i, ref] of refs.entries()) this.blobs.push({ ref, item: items[i].slice() });
  }
  /** Writes `bytes` over the blob at `ref`, as a damaged disk would. */
  damage(ref: Uint8Array, bytes: Uint8Array): Promise<void> {
    return super.writeBlobs([ref], [bytes]);
  }
  /** From now on the blob at `ref` is gone. */
  lose(ref: Uint8Array): void {
    this.#lost.add(hex(ref));
  }
  override async readBlob(ref: Uint8Array): Promise<Uint8Array> {
    if (this.#lost.has(hex(ref))) throw new StoreError("STORE_BAD_REF", "lost");
    return super.readBlob(ref);
  }
  override async readBlobs(refs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const ref of refs) out.push(await this.readBlob(ref));
    return out;
  }
  /** A batch that names a blob not written yet is the trie's bug (state §3): refused here. */
  override async write(ops: readonly WriteOp[]): Promise<void> {
    if (this.failedWrites > 0) {
      this.failedWrites--;
      throw new Error("disk full");
    }
    for (const op of ops) {
      if (op.type !== "put" || op.key[0] !== RECORD.versioned) continue;
      const record = op.value.subarray(32); // root hash ‖ root record (state §3.2)
      const ref = record[0] === 0x01 ? record.subarray(1) : record.subarray(33);
      if (!this.blobs.some((b) => equalBytes(b.ref, ref))) throw new Error("a root names an unwritten blob");
    }
    return super.write(ops);
  }
  override async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.failedGets > 0) {
      this.failedGets--;
      throw new Error("EIO");
    }
    return super.get(key);
  }
}

/** Every root record of a trie with no prefix, in version order (state §3). */
const versionedRecords = { start: Uint8Array.of(RECORD.versioned), end: Uint8Array.of(RECORD.versioned + 1) };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const key = (...head: number[]) => {
  const k = new Uint8Array(32);
  k.set(head);
  return k;
};
const val = (s: string) => new TextEncoder().encode(s);
const sortEntries = (m: Map<string, Uint8Array>) =>
  [...m.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [Buffer.from(k, "hex"), v] as const);

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

// Keys drawn from a few prefixes so that batches split and merge deep nodes, not just the root.
const keyArb = fc
  .tuple(
    fc.constantFrom(0x00, 0x01, 0x10, 0xff),
    fc.constantFrom(0x00, 0x0f, 0xab),
    fc.uint8Array({ minLength: 30, maxLength: 30 }),
  )
  .map(([a, b, rest]) => {
    const k = new Uint8Array(32);
    k[0] = a;
    k[1] = b;
    k.set(rest, 2);
    return k;
  });
const changeArb = fc.record({
  key: keyArb,
  value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
});

describe("MerkleTrie", () => {
  test("a trie whose nodes are cached reads as one that reads every node from the store", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(changeArb, { maxLength: 40 }),
        fc.array(keyArb, { maxLength: 10 }),
        async (changes, probes) => {
          const store = new MemoryStore();
          const warm = new MerkleTrie(store);
          const root = await warm.update(EMPTY_HASH, changes);
          const cold = new MerkleTrie(store, { cacheBytes: 0 });
          for (const k of [...changes.map((c) => c.key), ...probes]) {
            expect(await warm.get(root, k)).toEqual(await cold.get(root, k));
            expect(await warm.getLeafHash(root, k)).toEqual(await cold.getLeafHash(root, k));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  test("roots match the reference definition after any sequence of batches", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(changeArb, { maxLength: 30 }), { maxLength: 6 }),
        async (batches) => {
          const trie = new MerkleTrie(new MemoryStore(), { cacheBytes: 4096 });
          const model = new Map<string, Uint8Array>();
          let root = EMPTY_HASH;
          for (const batch of batches) {
            root = await trie.update(root, batch);
            for (const c of batch) {
              if (c.value === null) model.delete(hex(c.key));
              else model.set(hex(c.key), c.value);
            }
            expect(hex(root)).toBe(hex(referenceRoot(sortEntries(model))));
          }
          for (const [k, v] of model) expect(await trie.get(root, Buffer.from(k, "hex"))).toEqual(v);
        },
      ),
      { seed: 20261122, numRuns: 150 },
    );
  });

  test("the root depends on the contents only, not on the order of writes and deletes", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    const keys = Array.from({ length: 200 }, (_, i) => key(i & 0xff, i >> 3, 7));
    const direct = await trie.update(
      EMPTY_HASH,
      keys.filter((_, i) => i % 3 !== 0).map((k, i) => ({ key: k, value: val(`v${i}`) })),
    );
    let root = await trie.update(
      EMPTY_HASH,
      keys.map((k) => ({ key: k, value: val("temporary") })),
    );
    root = await trie.update(
      root,
      keys.map((k, i) => ({ key: k, value: i % 3 === 0 ? null : val("x") })),
    );
    root = await trie.update(
      root,
      keys.filter((_, i) => i % 3 !== 0).map((k, i) => ({ key: k, value: val(`v${i}`) })),
    );
    expect(hex(root)).toBe(hex(direct));
    const emptied = await trie.update(
      root,
      keys.map((k) => ({ key: k, value: null })),
    );
    expect(hex(emptied)).toBe(hex(EMPTY_HASH));
  });

  test("every committed root stays readable", async () => {
    const trie = new MerkleTrie(new MemoryStore(), { cacheBytes: 0 });
    const k = key(0x42);
    const r1 = await trie.update(EMPTY_HASH, [{ key: k, value: val("one") }]);
    const r2 = await trie.update(r1, [
      { key: k, value: val("two") },
      { key: key(0x43), value: val("other") },
    ]);
    const r3 = await trie.update(r2, [{ key: k, value: null }]);
    expect(await trie.get(r1, k)).toEqual(val("one"));
    expect(await trie.get(r2, k)).toEqual(val("two"));
    expect(await trie.get(r3, k)).toBeUndefined();
    expect(await trie.get(r3, key(0x43))).toEqual(val("other"));
    expect(await trie.get(EMPTY_HASH, k)).toBeUndefined();
  });

  test("a later change to the same key in one batch wins", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    const k = key(1);
    const root = await trie.update(EMPTY_HASH, [
      { key: k, value: val("a") },
      { key: k, value: val("b") },
    ]);
    expect(await trie.get(root, k)).toEqual(val("b"));
    expect(hex(root)).toBe(hex(referenceRoot([[k, val("b")]])));
  });

  test("a prepared update names the leaf each change left, by position", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    const root = await trie.update(EMPTY_HASH, [{ key: key(2), value: val("x") }]);
    const prepared = await trie.prepare(root, [
      { key: key(1), value: val("a") },
      { key: key(2), value: null },
      { key: key(1), value: val("b") },
      { key: key(3), value: val("c") },
    ]);
    expect(prepared.leafHashes.map((h) => (h === null ? null : hex(h)))).toEqual([
      null,
      null,
      hex(leafHash(key(1), valueHashOf(val("b")))),
      hex(leafHash(key(3), valueHashOf(val("c")))),
    ]);
    await trie.commit(prepared);
    expect(await trie.getLeafHash(prepared.root, key(3))).toEqual(prepared.leafHashes[3]);
  });

  test("an update built on one still being written gives the same states", async () => {
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 60 }, (_, i) => ({
        key: valueHashOf(val(`k${(i * 7 + b) % 90}`)),
        value: val(`v${b}.${i}`),
      })),
    );
    const sequential = new MerkleTrie(new MemoryStore());
    const roots: Uint8Array[] = [];
    let root = EMPTY_HASH;
    for (const batch of batches) {
      root = await sequential.update(root, batch);
      roots.push(root);
    }

    const trie = new MerkleTrie(new MemoryStore(), { cacheBytes: 0 });
    let pending = await trie.prepare(EMPTY_HASH, batches[0]);
    for (const batch of batches.slice(1)) {
      const next = await trie.prepare(pending.root, batch, { parent: pending });
      await trie.commit(pending);
      pending = next;
    }
    await trie.commit(pending);
    expect(hex(pending.root)).toBe(hex(roots[3]));
    for (const [n, r] of roots.entries()) {
      for (const c of batches[n]) expect(await trie.get(r, c.key)).toEqual(await sequential.get(r, c.key));
    }
  });

  test("updates built on one another commit in order, on the right root only", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    const first = await trie.prepare(EMPTY_HASH, [{ key: key(1), value: val("a") }]);
    const second = await trie.prepare(first.root, [{ key: key(2), value: val("b") }], { parent: first });
    await expect(trie.commit(second)).rejects.toThrow(TypeError);
    expect(await trie.hasRoot(second.root)).toBe(false);
    await expect(trie.prepare(EMPTY_HASH, [], { parent: first })).rejects.toThrow(TypeError);
    // Only one uncommitted update deep: `second` rests on `first`, which is not written yet.
    await expect(trie.prepare(second.root, [], { parent: second })).rejects.toThrow(TypeError);
    await trie.commit(first);
    const third = await trie.prepare(second.root, [{ key: key(3), value: val("c") }], { parent: second });
    await trie.commit(second);
    await trie.commit(third);
    expect(await trie.get(third.root, key(1))).toEqual(val("a"));
    expect(await trie.get(third.root, key(3))).toEqual(val("c"));
  });

  test("each update appends its root record above all earlier ones, and commit lets go of its records", async () => {
    // state §3: what keeps LevelDB moving files instead of merging them again and again.
    const writes: WriteOp[][] = [];
    const inner = new MemoryStore();
    const store: KvStore = {
      get: (k) => inner.get(k),
      getMany: (ks) => inner.getMany(ks),
      entries: (r) => inner.entries(r),
      close: () => inner.close(),
      appendBlobs: (items) => inner.appendBlobs(items),
      placeBlob: (length) => inner.placeBlob(length),
      writeBlobs: (refs, items) => inner.writeBlobs(refs, items),
      readBlob: (ref) => inner.readBlob(ref),
      readBlobs: (refs) => inner.readBlobs(refs),
      write: async (ops) => {
        writes.push([...ops]);
        return inner.write(ops);
      },
    };
    const trie = new MerkleTrie(store, { prefix: Uint8Array.of(0x07) });
    let root = EMPTY_HASH;
    let pending: PreparedUpdate | undefined;
    for (let r = 0; r < 6; r++) {
      const changes = Array.from({ length: 40 }, (_, i) => ({
        key: valueHashOf(val(`k${(i * 7 + r * 13) % 90}`)),
        value: r % 3 === 2 && i % 4 === 0 ? null : val(`v${r}.${i}`),
      }));
      const next = await trie.prepare(root, changes, pending === undefined ? {} : { parent: pending });
      if (pending !== undefined) {
        await trie.commit(pending);
        expect(pending.parent).toBeUndefined();
        expect(pending.ops).toEqual([]);
        expect(pending.blobs).toEqual({ refs: [], items: [] });
      }
      pending = next;
      root = next.root;
    }
    await trie.commit(pending!);
    const versioned = (op: WriteOp) => op.key[0] === 0x07 && op.key[1] === RECORD.versioned;
    let highest: Uint8Array = new Uint8Array(0);
    for (const ops of writes) {
      const run = ops.filter(versioned).map((op) => op.key);
      expect(run.length).toBeGreaterThan(0);
      for (const k of run) expect(compareBytes(k, highest)).toBeGreaterThan(0);
      for (const op of ops.filter((o) => !versioned(o))) expect(op.key[1]).toBeLessThan(RECORD.versioned);
      highest = run.reduce((a, b) => (compareBytes(a, b) > 0 ? a : b));
    }
    expect(writes.length).toBe(6);
  });

  test("survives a reopen of the database, over the room of an update never committed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-state-"));
    dirs.push(dir);
    const store = await LevelStore.open(dir, { blobSegmentBytes: 16 * 1024 });
    // Empty and large values too; the records span several segments of the blob log.
    const changes = Array.from({ length: 500 }, (_, i) => ({
      key: valueHashOf(val(`k${i}`)),
      value: i === 7 ? new Uint8Array(0) : i === 8 ? new Uint8Array(20_000).fill(8) : val(`v${i}`),
    }));
    const first = new MerkleTrie(store);
    const root = await first.update(EMPTY_HASH, changes);
    // Placed, never written: the reopened log places over that room.
    const dropped = await first.prepare(root, [{ key: changes[1].key, value: val("never") }]);
    await store.close();
    const reopened = await LevelStore.open(dir, { blobSegmentBytes: 16 * 1024 });
    expect(reopened.placeBlob(0)).toEqual(dropped.blobs.refs[0].with(11, 0));
    const trie = new MerkleTrie(reopened, { cacheBytes: 0 });
    expect(await trie.hasRoot(root)).toBe(true);
    expect(await trie.hasRoot(dropped.root)).toBe(false);
    for (const c of changes.slice(0, 50)) expect(await trie.get(root, c.key)).toEqual(c.value);
    const next = await trie.update(root, [
      { key: changes[0].key, value: null },
      { key: changes[1].key, value: val("later") },
    ]);
    expect(await trie.get(next, changes[0].key)).toBeUndefined();
    expect(await trie.get(next, changes[1].key)).toEqual(val("later"));
    expect(await trie.get(next, changes[8].key)).toEqual(changes[8].value);
    expect(await trie.get(root, changes[1].key)).toEqual(val("v1"));
    await reopened.close();
  });
});

test("an empty value that is the whole state reads back after a reopen", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gram-state-"));
  dirs.push(dir);
  const store = await LevelStore.open(dir);
  const trie = new MerkleTrie(store);
  // Room placed and never written before it: the empty value's place is past the file's end.
  await trie.prepare(EMPTY_HASH, [{ key: key(1), value: new Uint8Array(100) }]);
  const root = await trie.update(EMPTY_HASH, [{ key: key(2), value: new Uint8Array(0) }]);
  await store.close();
  const reopened = await LevelStore.open(dir);
  expect(await new MerkleTrie(reopened).get(root, key(2))).toEqual(new Uint8Array(0));
  await reopened.close();
});

describe("proofs", () => {
  async function sample() {
    const trie = new MerkleTrie(new MemoryStore());
    const changes = Array.from({ length: 300 }, (_, i) => ({
      key: valueHashOf(val(`k${i}`)),
      value: val(`v${i}`),
    }));
    changes.push(
      { key: key(0xab, 0xcd, 1), value: val("near") },
      { key: key(0xab, 0xcd, 2), value: val("twin") },
    );
    const root = await trie.update(EMPTY_HASH, changes);
    return { trie, changes, root };
  }

  test("prove inclusion of every present key and absence of others", async () => {
    const { trie, changes, root } = await sample();
    for (const c of changes) {
      const result = verifyProof(root, c.key, await trie.prove(root, c.key));
      expect(result).toEqual({ included: true, valueHash: valueHashOf(c.value) });
    }
    for (let i = 0; i < 100; i++) {
      const absent = valueHashOf(val(`absent${i}`));
      expect(verifyProof(root, absent, await trie.prove(root, absent))).toEqual({ included: false });
    }
    const nearMiss = key(0xab, 0xcd, 3);
    expect(verifyProof(root, nearMiss, await trie.prove(root, nearMiss))).toEqual({ included: false });
  });

  test("proofs survive their wire form, and bad proof bytes are refused by the codec", async () => {
    const { trie, changes, root } = await sample();
    for (const c of changes.slice(0, 40)) {
      const bytes = encodeProof(await trie.prove(root, c.key));
      expect(verifyProof(root, c.key, decodeProof(bytes)).included).toBe(true);
      expect(() => decodeProof(bytes.subarray(0, bytes.length - 1))).toThrow(CodecError);
      expect(() => decodeProof(new Uint8Array([...bytes, 0]))).toThrow(CodecError);
    }
    const absent = valueHashOf(val("absent"));
    expect(verifyProof(root, absent, decodeProof(encodeProof(await trie.prove(root, absent))))).toEqual({
      included: false,
    });
  });

  test("proofs for the empty state and a single-leaf state", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    const k = key(5);
    expect(verifyProof(EMPTY_HASH, k, await trie.prove(EMPTY_HASH, k))).toEqual({ included: false });
    const root = await trie.update(EMPTY_HASH, [{ key: k, value: val("only") }]);
    expect(verifyProof(root, k, await trie.prove(root, k)).included).toBe(true);
    expect(verifyProof(root, key(6), await trie.prove(root, key(6))).included).toBe(false);
  });

  test("a tampered proof or a wrong root is refused", async () => {
    const { trie, changes, root } = await sample();
    const target = changes[7].key;
    const expectBad = (fn: () => unknown) => {
      expect(fn).toThrow(StateError);
      try {
        fn();
      } catch (e) {
        expect((e as StateError).code).toBe("STATE_BAD_PROOF");
      }
    };
    const proof = await trie.prove(root, target);
    const flipped = structuredClone(proof);
    flipped.levels[0].siblings[0][0] ^= 1;
    expectBad(() => verifyProof(root, target, flipped));
    const lying = structuredClone(proof);
    if (lying.terminal.kind === "leaf") lying.terminal.valueHash = valueHashOf(val("forged"));
    expectBad(() => verifyProof(root, target, lying));
    const short = structuredClone(proof);
    short.levels.pop();
    expectBad(() => verifyProof(root, target, short));
    const hidden = { levels: proof.levels.slice(0, 1), terminal: { kind: "empty" as const } };
    expectBad(() => verifyProof(root, target, hidden));
    const otherRoot = await trie.update(root, [{ key: changes[8].key, value: val("changed") }]);
    expectBad(() => verifyProof(otherRoot, target, proof));
    // A proof for one key does not prove anything about another key on a different path.
    expectBad(() => verifyProof(root, changes[9].key, proof));
  });
});

describe("bad input and damage", () => {
  test("wrong argument types and sizes are refused", async () => {
    const trie = new MerkleTrie(new MemoryStore());
    await expect(trie.get(new Uint8Array(31), key(1))).rejects.toThrow(RangeError);
    await expect(trie.update(EMPTY_HASH, [{ key: new Uint8Array(33), value: val("x") }])).rejects.toThrow(
      RangeError,
    );
    await expect(
      trie.update(EMPTY_HASH, [{ key: key(1), value: "x" as unknown as Uint8Array }]),
    ).rejects.toThrow(TypeError);
    await expect(
      trie.update(EMPTY_HASH, [{ key: key(1), value: new Uint8Array((1 << 20) + 1) }]),
    ).rejects.toThrow(RangeError);
    for (const indexSpan of [0, 1.5, 1 << 17])
      expect(() => new MerkleTrie(new MemoryStore(), { indexSpan })).toThrow(RangeError);
  });

  test("an unknown root, a missing node and a corrupt node are reported by code", async () => {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store, { cacheBytes: 0 });
    await expect(trie.get(valueHashOf(val("nope")), key(1))).rejects.toMatchObject({
      code: "STATE_UNKNOWN_ROOT",
    });
    const changes = Array.from({ length: 64 }, (_, i) => ({
      key: valueHashOf(val(`k${i}`)),
      value: val(`v${i}`),
    }));
    const root = await trie.update(EMPTY_HASH, changes);
    // A node below the root (nodes are written children first, the root last): flip a hash byte.
    const nodes = store.blobs.filter((b) => b.item[0] === 0x01 && b.item.length > 40);
    const child = nodes[0];
    expect(nodes.length).toBeGreaterThan(1);
    const damaged = child.item.slice();
    damaged[10] ^= 0xff;
    await store.damage(child.ref, damaged);
    const reads = () => Promise.all(changes.map((c) => trie.get(root, c.key)));
    await expect(reads()).rejects.toMatchObject({ code: "STATE_CORRUPT_NODE" });
    store.lose(child.ref);
    await expect(reads()).rejects.toMatchObject({ code: "STATE_MISSING_NODE" });
  });

  /** Three keys under one node, in an uncached trie, and the stored records: nodes and values. */
  async function threeLeaves() {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store, { cacheBytes: 0 });
    const changes = Array.from({ length: 3 }, (_, i) => ({ key: key(0x10 * (i + 1)), value: val(`v${i}`) }));
    const root = await trie.update(EMPTY_HASH, changes);
    const isValue = (item: Uint8Array) => changes.some((c) => equalBytes(c.value, item));
    const records = store.blobs.filter((b) => !isValue(b.item));
    const values = store.blobs.filter((b) => isValue(b.item));
    return { store, trie, changes, root, records, values };
  }

  test("a leaf whose stored key no longer matches its hash is reported", async () => {
    const { store, trie, changes, root, records } = await threeLeaves();
    expect(records.length).toBe(1);
    const { ref, item } = records[0];
    const damaged = item.slice();
    damaged[3 + 3 * 32 + 2 + 5] ^= 0x01; // the first leaf's key: after the header, 3 child hashes and the leaf mask
    await store.damage(ref, damaged);
    await expect(trie.get(root, changes[0].key)).rejects.toMatchObject({ code: "STATE_CORRUPT_NODE" });
    expect(await trie.get(root, changes[1].key)).toEqual(val("v1"));
  });

  test("a damaged or missing value is reported by every read that uses it", async () => {
    const { store, trie, changes, root, values } = await threeLeaves();
    expect(values.length).toBe(3);
    const { ref, item: value } = values.find((v) => equalBytes(v.item, changes[0].value))!;
    // The leaf's hash comes from the nodes alone and does not read the value.
    const leafHash = await trie.getLeafHash(root, changes[0].key);
    expect(leafHash).toEqual(
      sha256Concat(new Uint8Array([0]), changes[0].key, valueHashOf(changes[0].value)),
    );
    const damaged = value.slice();
    damaged[0] ^= 0x01;
    await store.damage(ref, damaged);
    await expect(trie.get(root, changes[0].key)).rejects.toMatchObject({ code: "STATE_MISSING_NODE" });
    await expect(trie.prove(root, changes[0].key)).rejects.toMatchObject({ code: "STATE_MISSING_NODE" });
    store.lose(ref);
    await expect(trie.get(root, changes[0].key)).rejects.toMatchObject({ code: "STATE_MISSING_NODE" });
    // The other keys are untouched.
    expect(await trie.get(root, changes[1].key)).toEqual(val("v1"));
    const proof = await trie.prove(root, changes[1].key);
    expect(verifyProof(root, changes[1].key, proof)).toEqual({
      included: true,
      valueHash: valueHashOf(val("v1")),
    });
  });

  test("a failed commit writes nothing and leaves the old root readable", async () => {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store, { cacheBytes: 0 });
    const root = await trie.update(EMPTY_HASH, [{ key: key(1), value: val("kept") }]);
    store.failedWrites = 1;
    await expect(trie.update(root, [{ key: key(2), value: val("lost") }])).rejects.toThrow("disk full");
    expect(await trie.get(root, key(1))).toEqual(val("kept"));
    const prepared = await trie.prepare(root, [{ key: key(2), value: val("lost") }]);
    expect(await trie.hasRoot(prepared.root)).toBe(false);
    // The blobs fail before the batch: no root names them, and the update commits again.
    store.failedBlobWrites = 1;
    await expect(trie.commit(prepared)).rejects.toThrow("disk full");
    expect(await trie.hasRoot(prepared.root)).toBe(false);
    expect(await new MerkleTrie(store).hasRoot(prepared.root)).toBe(false);
    await trie.commit(prepared);
    expect(await trie.get(prepared.root, key(2))).toEqual(val("lost"));
  });
});

describe("commitMany", () => {
  test("updates of several roots land in one batch, or none of them does", async () => {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store);
    const a = await trie.update(EMPTY_HASH, [{ key: key(1), value: val("a") }]);
    const b = await trie.update(EMPTY_HASH, [{ key: key(2), value: val("b") }]);
    const ua = await trie.prepare(a, [{ key: key(1), value: val("a2") }]);
    const ub = await trie.prepare(b, [{ key: key(3), value: val("b3") }]);
    const extra: WriteOp = { type: "put", key: val("block"), value: val("1") };

    store.failedWrites = 1;
    await expect(trie.commitMany([ua, ub], [extra])).rejects.toThrow("disk full");
    expect(await trie.hasRoot(ua.root)).toBe(false);
    expect(await trie.hasRoot(ub.root)).toBe(false);
    expect(await store.get(val("block"))).toBeUndefined();

    await trie.commitMany([ua, ub], [extra]);
    expect(await trie.get(ua.root, key(1))).toEqual(val("a2"));
    expect(await trie.get(ub.root, key(3))).toEqual(val("b3"));
    expect(await trie.get(a, key(1))).toEqual(val("a"));
    expect(await store.get(val("block"))).toEqual(val("1"));
    await expect(trie.commitMany([ua])).rejects.toThrow(TypeError);

    // a reopened trie allocates versions past everything committed
    const reopened = new MerkleTrie(store, { cacheBytes: 0 });
    const next = await reopened.prepare(ub.root, [{ key: key(4), value: val("c") }]);
    expect(next.version).toBeGreaterThan(Math.max(ua.version, ub.version));
  });
});

describe("the index of roots (state §3.2)", () => {
  const indexRange = { start: Uint8Array.of(RECORD.rootIndex), end: Uint8Array.of(RECORD.rootIndex + 1) };
  async function indexedRoots(store: KvStore): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const [k] of store.entries(indexRange)) out.add(hex(k.subarray(1)));
    return out;
  }

  /** `count` updates in a row, each changing three keys: the roots and the values last written. */
  async function updates(trie: MerkleTrie, count: number) {
    const roots: Uint8Array[] = [];
    let root = EMPTY_HASH;
    for (let n = 0; n < count; n++) {
      root = await trie.update(
        root,
        [0, 1, 2].map((i) => ({ key: key(i * 0x40 + n), value: val(`v${n}.${i}`) })),
      );
      roots.push(root);
    }
    return roots;
  }

  test("roots are indexed in bulk every indexSpan versions; a reopened trie finds those made since", async () => {
    const store = new MemoryStore();
    const roots = await updates(new MerkleTrie(store, { indexSpan: 4 }), 10);
    // Versions 1–8 were indexed by the commits of versions 4 and 8; 9 and 10 only have run records.
    expect(await indexedRoots(store)).toEqual(new Set(roots.slice(0, 8).map(hex)));
    const reopened = new MerkleTrie(store, { indexSpan: 4, cacheBytes: 0 });
    for (const [n, root] of roots.entries()) {
      expect(await reopened.hasRoot(root)).toBe(true);
      expect(await reopened.get(root, key(n))).toEqual(val(`v${n}.0`));
    }
    const next = await reopened.prepare(roots[9], [{ key: key(9), value: val("later") }]);
    expect(next.version).toBe(11);
    await reopened.commit(next);
    expect(await reopened.get(next.root, key(9))).toEqual(val("later"));
  });

  test("a root committed after the index has passed its version is indexed at once", async () => {
    const store = new MemoryStore();
    const trie = new MerkleTrie(store, { indexSpan: 1 });
    const early = await trie.prepare(EMPTY_HASH, [{ key: key(1), value: val("early") }]);
    const late = await trie.prepare(EMPTY_HASH, [{ key: key(2), value: val("late") }]);
    await trie.commit(late);
    expect(await indexedRoots(store)).toEqual(new Set([hex(late.root)]));
    await trie.commit(early);
    expect(await indexedRoots(store)).toEqual(new Set([hex(late.root), hex(early.root)]));
    const reopened = new MerkleTrie(store, { cacheBytes: 0 });
    expect(await reopened.get(early.root, key(1))).toEqual(val("early"));
  });

  test("a failed commit that was due to index the roots leaves them to the next one", async () => {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store, { indexSpan: 3 });
    const roots = await updates(trie, 2);
    store.failedWrites = 1;
    await expect(trie.update(roots[1], [{ key: key(9), value: val("x") }])).rejects.toThrow("disk full");
    expect(await indexedRoots(store)).toEqual(new Set());
    const third = await trie.update(roots[1], [{ key: key(9), value: val("x") }]);
    expect(await indexedRoots(store)).toEqual(new Set([...roots, third].map(hex)));
    expect(await new MerkleTrie(store).get(third, key(9))).toEqual(val("x"));
  });

  test("commits started together are written one after another, in the order they were called", async () => {
    const store = new MemoryStore();
    const trie = new MerkleTrie(store, { indexSpan: 2 });
    const first = await trie.prepare(EMPTY_HASH, [{ key: key(1), value: val("a") }]);
    const second = await trie.prepare(first.root, [{ key: key(2), value: val("b") }], { parent: first });
    const third = await trie.prepare(EMPTY_HASH, [{ key: key(3), value: val("c") }]);
    await Promise.all([trie.commit(first), trie.commit(second), trie.commit(third)]);
    const reopened = new MerkleTrie(store, { indexSpan: 2, cacheBytes: 0 });
    expect(await reopened.get(second.root, key(1))).toEqual(val("a"));
    expect(await reopened.get(third.root, key(3))).toEqual(val("c"));
    // The second commit reached the span and indexed both roots so far; the third waits.
    expect(await indexedRoots(store)).toEqual(new Set([first, second].map((u) => hex(u.root))));
  });

  test("a store whose roots are all in the index, with no root records in the run, opens", async () => {
    // The layout of stores written before the run held root records: the index had every root.
    const store = new MemoryStore();
    const roots = await updates(new MerkleTrie(store, { indexSpan: 1 }), 3);
    const runRoots: WriteOp[] = [];
    for await (const [k] of store.entries(versionedRecords))
      if (k[9] === ROOT_MARK) runRoots.push({ type: "del", key: k });
    expect(runRoots.length).toBe(3);
    await store.write(runRoots);
    const reopened = new MerkleTrie(store, { cacheBytes: 0 });
    expect(await reopened.get(roots[2], key(2))).toEqual(val("v2.0"));
    const next = await reopened.prepare(roots[2], [{ key: key(5), value: val("y") }]);
    expect(next.version).toBe(4);
  });

  test("a read that fails while the trie starts is tried again by the next call", async () => {
    const store = new FaultyStore();
    const root = await new MerkleTrie(store).update(EMPTY_HASH, [{ key: key(1), value: val("a") }]);
    store.failedGets = 1;
    const trie = new MerkleTrie(store);
    await expect(trie.hasRoot(root)).rejects.toThrow("EIO");
    expect(await trie.hasRoot(root)).toBe(true);
    expect(await trie.get(root, key(1))).toEqual(val("a"));
  });

  test("a root is unknown until its commit succeeds, before and after a reopen; a child waits for its parent", async () => {
    const store = new FaultyStore();
    const trie = new MerkleTrie(store, { indexSpan: 2 });
    const parent = await trie.prepare(EMPTY_HASH, [{ key: key(1), value: val("p") }]);
    const child = await trie.prepare(parent.root, [{ key: key(2), value: val("c") }], { parent });
    store.failedWrites = 1;
    await expect(trie.commit(parent)).rejects.toThrow("disk full");
    expect(await trie.hasRoot(parent.root)).toBe(false);
    expect(await new MerkleTrie(store).hasRoot(parent.root)).toBe(false);
    // Called first, the child is refused: its parent's commit comes after it.
    const [childCommit, parentCommit] = await Promise.allSettled([trie.commit(child), trie.commit(parent)]);
    expect(childCommit.status).toBe("rejected");
    expect(parentCommit.status).toBe("fulfilled");
    expect(await trie.hasRoot(child.root)).toBe(false);
    await trie.commit(child);
    const reopened = new MerkleTrie(store);
    expect(await reopened.get(child.root, key(1))).toEqual(val("p"));
    expect(await reopened.get(parent.root, key(2))).toBeUndefined();
  });

  test("every committed root stays readable through failed writes, late commits and reopens", async () => {
    const keys = [0x00, 0x01, 0x10, 0xf0].map((b) => key(b, b));
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("update" as const),
        base: fc.nat(),
        changes: fc.array(fc.record({ k: fc.nat(3), v: fc.option(fc.nat(2), { nil: null }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fail: fc.boolean(),
        late: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("reopen" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { maxLength: 30 }),
        async (indexSpan, steps) => {
          const store = new FaultyStore();
          let trie = new MerkleTrie(store, { indexSpan });
          // The model: each committed root's contents, key index → value.
          const committed = new Map<string, Map<number, string>>([[hex(EMPTY_HASH), new Map()]]);
          const never: Uint8Array[] = [];
          // An update held back and committed after a later one, below what the index may cover.
          let held: { prepared: PreparedUpdate; contents: Map<number, string> } | undefined;
          for (const s of steps) {
            if (s.kind === "reopen") {
              if (held !== undefined) never.push(held.prepared.root);
              held = undefined;
              trie = new MerkleTrie(store, { indexSpan, cacheBytes: 0 });
              continue;
            }
            const roots = [...committed.keys()];
            const base = roots[s.base % roots.length];
            const contents = new Map(committed.get(base));
            const changes = s.changes.map(({ k, v }) => {
              if (v === null) contents.delete(k);
              else contents.set(k, `v${v}`);
              return { key: keys[k], value: v === null ? null : val(`v${v}`) };
            });
            const prepared = await trie.prepare(Uint8Array.from(Buffer.from(base, "hex")), changes);
            if (s.late && held === undefined) {
              held = { prepared, contents };
              continue;
            }
            store.failedWrites = s.fail ? 1 : 0;
            await trie.commit(prepared).then(
              () => committed.set(hex(prepared.root), contents),
              () => never.push(prepared.root),
            );
            if (held !== undefined) {
              await trie.commit(held.prepared);
              committed.set(hex(held.prepared.root), held.contents);
              held = undefined;
            }
          }
          if (held !== undefined) never.push(held.prepared.root);
          for (const reader of [trie, new MerkleTrie(store, { indexSpan, cacheBytes: 0 })]) {
            for (const [rootHex, contents] of committed) {
              const root = Uint8Array.from(Buffer.from(rootHex, "hex"));
              expect(await reader.hasRoot(root)).toBe(true);
              for (const [k, keyBytes] of keys.entries()) {
                const want = contents.get(k);
                expect(await reader.get(root, keyBytes)).toEqual(want === undefined ? undefined : val(want));
              }
            }
            for (const root of never)
              if (!committed.has(hex(root))) expect(await reader.hasRoot(root)).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test("a damaged root record in the run is reported when the trie opens", async () => {
    const store = new MemoryStore();
    await updates(new MerkleTrie(store), 2);
    for await (const [k] of store.entries(versionedRecords))
      if (k[9] === ROOT_MARK) await store.write([{ type: "put", key: k, value: new Uint8Array(5) }]);
    const reopened = new MerkleTrie(store);
    await expect(reopened.prepare(EMPTY_HASH, [])).rejects.toMatchObject({ code: "STATE_CORRUPT_NODE" });
  });
});
