import { appendFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { BLOB_REF_BYTES, type KvStore, LevelStore, MemoryStore, StoreError } from "./index.ts";

const b = (...xs: number[]) => new Uint8Array(xs);
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gram-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const kinds: Array<[string, () => Promise<KvStore>]> = [
  ["LevelStore", async () => LevelStore.open(await tempDir())],
  ["MemoryStore", async () => new MemoryStore()],
];

describe.each(kinds)("%s", (_name, make) => {
  test("reads back what a batch wrote, and undefined for absent keys", async () => {
    const store = await make();
    await store.write([
      { type: "put", key: b(1), value: b(10) },
      { type: "put", key: b(2), value: b(20) },
    ]);
    expect(await store.get(b(1))).toEqual(b(10));
    expect(await store.get(b(3))).toBeUndefined();
    expect(await store.getMany([b(2), b(3), b(1)])).toEqual([b(20), undefined, b(10)]);
    await store.write([{ type: "del", key: b(1) }]);
    expect(await store.get(b(1))).toBeUndefined();
    // A batch flushed to the disk before it resolves reads back like any other.
    await store.write([{ type: "put", key: b(4), value: b(40) }], { sync: true });
    expect(await store.get(b(4))).toEqual(b(40));
    await store.close();
  });

  test("getMany of many keys answers each in order, absent ones as undefined", async () => {
    // LevelStore reads a long list on the thread pool and a short one key by key: both ways.
    const store = await make();
    await store.write(
      Array.from({ length: 100 }, (_, i) => ({ type: "put" as const, key: b(7, i * 2), value: b(i, i) })),
    );
    for (const count of [5, 200]) {
      const keys = Array.from({ length: count }, (_, i) => b(7, (i * 37) % 200));
      const want = keys.map((k) => (k[1] % 2 === 0 ? b(k[1] / 2, k[1] / 2) : undefined));
      expect(await store.getMany(keys)).toEqual(want);
    }
    await store.close();
  });

  test("keys and values of every size near the inline limit read back as written", async () => {
    // LevelStore hands small arrays to LevelDB as copies in one buffer (levelStore.ts): sizes
    // on both sides of 64 bytes, views into larger buffers, and reads of one length in a row.
    const store = await make();
    const sized = (n: number, seed: number) =>
      Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i) & 0xff);
    const backing = new Uint8Array(400);
    const ops = [1, 32, 63, 64, 65, 100].flatMap((n, k) => [
      { type: "put" as const, key: sized(n, k), value: sized(130 - n, k + 50) },
      {
        type: "put" as const,
        key: backing.subarray(k * 66, k * 66 + n).fill(k + 1),
        value: sized(n, k + 90),
      },
    ]);
    await store.write(ops);
    for (const op of ops) expect(await store.get(op.key)).toEqual(op.value);
    const keys = Array.from({ length: 40 }, (_, i) => ops[i % ops.length].key);
    expect(await store.getMany(keys)).toEqual(keys.map((_, i) => ops[i % ops.length].value));
    await store.write([{ type: "del", key: sized(64, 3) }]);
    expect(await store.get(sized(64, 3))).toBeUndefined();
    expect(await store.get(sized(63, 2))).toEqual(sized(67, 52));
    await store.close();
  });

  test("iterates a key range in byte order", async () => {
    const store = await make();
    await store.write(
      [b(5, 1), b(5), b(4, 255), b(5, 0), b(6)].map((key) => ({ type: "put" as const, key, value: key })),
    );
    const keys: Uint8Array[] = [];
    for await (const [key] of store.entries({ start: b(5), end: b(6) })) keys.push(key);
    expect(keys).toEqual([b(5), b(5, 0), b(5, 1)]);
    const newest: Uint8Array[] = [];
    for await (const [key] of store.entries({ start: b(5), end: b(6), reverse: true, limit: 2 }))
      newest.push(key);
    expect(newest).toEqual([b(5, 1), b(5, 0)]);
    await store.close();
  });

  test("a batch with a bad op writes nothing", async () => {
    const store = await make();
    const bad = [
      { type: "put" as const, key: b(7), value: b(7) },
      { type: "put" as const, key: b(8), value: undefined as unknown as Uint8Array },
    ];
    await expect(store.write(bad)).rejects.toThrow();
    expect(await store.get(b(7))).toBeUndefined();
    await store.close();
  });

  test("refuses use after close with a coded error", async () => {
    const store = await make();
    await store.close();
    await expect(store.get(b(1))).rejects.toMatchObject({ code: "STORE_CLOSED" });
    await expect(store.appendBlobs([b(1)])).rejects.toMatchObject({ code: "STORE_CLOSED" });
  });

  test("blobs read back by their references, and a reference to nothing is refused", async () => {
    const store = await make();
    const items = [b(1, 2, 3), new Uint8Array(0), new Uint8Array(5000).fill(9)];
    const refs = await store.appendBlobs(items);
    const more = await store.appendBlobs([b(4)]);
    expect(refs.map((r) => r.length)).toEqual([BLOB_REF_BYTES, BLOB_REF_BYTES, BLOB_REF_BYTES]);
    for (const [i, ref] of refs.entries()) expect(await store.readBlob(ref)).toEqual(items[i]);
    expect(await store.readBlob(more[0])).toEqual(b(4));
    const past = more[0].slice();
    past[7] += 1; // one byte further than the log holds
    await expect(store.readBlob(past)).rejects.toMatchObject({ code: "STORE_BAD_REF" });
    await expect(store.readBlob(b(0, 0, 0))).rejects.toMatchObject({ code: "STORE_BAD_REF" });
    await store.close();
  });
});

describe.each(kinds)("%s blobs placed before they are written", (_name, make) => {
  test("a blob's reference comes at once, and its bytes read back once written, in any order", async () => {
    const store = await make();
    const items = [b(1, 2), new Uint8Array(3000).fill(5), b(), b(9)];
    const refs = items.map((item) => store.placeBlob(item.length));
    // Placed back to back, after what was appended before.
    const [first] = await store.appendBlobs([b(7)]);
    expect(refs[1].subarray(4, 8)).toEqual(b(0, 0, 0, 2));
    expect(first.subarray(4, 8)).toEqual(b(0, 0, 0x0b, 0xbb)); // 2 + 3000 + 0 + 1
    await store.writeBlobs([refs[3], refs[1]], [items[3], items[1]]);
    await store.writeBlobs([refs[0], refs[2]], [items[0], items[2]]);
    expect(await store.readBlobs(refs)).toEqual(items);
    expect(await store.readBlobs([first, refs[0]])).toEqual([b(7), b(1, 2)]);
    await store.close();
  });

  test("a write that does not fit its places, or a bad length, is refused and writes nothing", async () => {
    const store = await make();
    const ref = store.placeBlob(2);
    await expect(store.writeBlobs([ref], [b(1, 2, 3)])).rejects.toThrow(TypeError);
    await expect(store.writeBlobs([ref], [])).rejects.toThrow(TypeError);
    expect(() => store.placeBlob(-1)).toThrow(RangeError);
    expect(() => store.placeBlob(1.5)).toThrow(RangeError);
    await store.writeBlobs([ref], [b(4, 5)]);
    expect(await store.readBlob(ref)).toEqual(b(4, 5));
    await store.close();
  });
});

describe("LevelStore on disk", () => {
  test("placed blobs reach their segment when the log moved on before they were written", async () => {
    const dir = await tempDir();
    const options = { blobSegmentBytes: 100 };
    const first = await LevelStore.open(dir, options);
    const early = first.placeBlob(60); // segment 0
    const late = first.placeBlob(60); // segment 1: 0 has no room left
    expect(late.subarray(0, 4)).toEqual(b(0, 0, 0, 1));
    await first.writeBlobs([late], [new Uint8Array(60).fill(2)]);
    await first.writeBlobs([early], [new Uint8Array(60).fill(1)]);
    // Placed and never written: no bytes there to read.
    const never = first.placeBlob(60);
    await expect(first.readBlob(never)).rejects.toMatchObject({ code: "STORE_BAD_REF" });
    await first.close();
    const second = await LevelStore.open(dir, options);
    expect(await second.readBlobs([early, late])).toEqual([
      new Uint8Array(60).fill(1),
      new Uint8Array(60).fill(2),
    ]);
    // A reference with a length past the file's end is refused before anything is read.
    const huge = early.slice();
    huge.set([0x7f, 0xff, 0xff, 0xff], 8);
    // The reopened log places after the bytes of its newest segment: segment 1, offset 60.
    expect(never.subarray(0, 4)).toEqual(b(0, 0, 0, 2));
    expect(second.placeBlob(10)).toEqual(b(0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 10));
    await expect(second.readBlob(huge)).rejects.toMatchObject({ code: "STORE_BAD_REF" });
    // Room never placed is not written over; a synced batch flushes the blobs before it.
    await expect(second.writeBlobs([b(0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1)], [b(1)])).rejects.toThrow(
      TypeError,
    );
    const [kept] = await second.appendBlobs([b(3, 3)]);
    await second.write([{ type: "put", key: b(1), value: kept }], { sync: true });
    expect(await second.readBlob((await second.get(b(1)))!)).toEqual(b(3, 3));
    await second.close();
  });

  test("keeps committed data across a reopen", async () => {
    const dir = await tempDir();
    const first = await LevelStore.open(dir);
    await first.write([{ type: "put", key: b(9), value: b(90) }]);
    await first.close();
    const second = await LevelStore.open(dir);
    expect(await second.get(b(9))).toEqual(b(90));
    await second.close();
  });

  test("blobs outlive a reopen, across segments, and appends go on after them", async () => {
    const dir = await tempDir();
    const options = { blobSegmentBytes: 100 };
    const first = await LevelStore.open(dir, options);
    const items = Array.from({ length: 6 }, (_, i) => new Uint8Array(60).fill(i));
    const refs: Uint8Array[] = [];
    for (const item of items) refs.push(...(await first.appendBlobs([item])));
    await first.close();
    expect((await readdir(join(dir, "blobs"))).length).toBe(6);
    const second = await LevelStore.open(dir, options);
    for (const [i, ref] of refs.entries()) expect(await second.readBlob(ref)).toEqual(items[i]);
    const [later] = await second.appendBlobs([b(7, 7)]);
    expect(await second.readBlob(later)).toEqual(b(7, 7));
    expect(await second.readBlob(refs[5])).toEqual(items[5]);
    await second.close();
  });

  test("bytes a crashed append left at the end are skipped, and what came before still reads", async () => {
    const dir = await tempDir();
    const first = await LevelStore.open(dir);
    const [kept] = await first.appendBlobs([b(1, 2, 3)]);
    await first.close();
    // An append cut short by a kill: bytes no reference names.
    const [segment] = await readdir(join(dir, "blobs"));
    await appendFile(join(dir, "blobs", segment), new Uint8Array(17).fill(0xee));
    const second = await LevelStore.open(dir);
    const [next] = await second.appendBlobs([b(4, 5)]);
    // After the 3 kept bytes and the 17 nothing refers to, not over them.
    expect(next.subarray(4, 8)).toEqual(b(0, 0, 0, 20));
    expect(await second.readBlob(kept)).toEqual(b(1, 2, 3));
    expect(await second.readBlob(next)).toEqual(b(4, 5));
    await second.close();
  });

  test("a second open of the same directory is refused as locked", async () => {
    const dir = await tempDir();
    const first = await LevelStore.open(dir);
    const err = await LevelStore.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe("STORE_LOCKED");
    await first.close();
  });
});
