// KvStore on LevelDB (the `level` package). The only file in Gram that imports level.
import { join } from "node:path";
import { Level } from "level";
import { V8_INLINE_BYTES } from "../bytes/index.ts";
import { BlobLog, SEGMENT_BYTES } from "./blobLog.ts";
import { StoreError } from "./errors.ts";
import type { KvStore, WriteOp } from "./kvStore.ts";

export interface LevelStoreOptions {
  /** LevelDB's memtable size; larger means fewer, bigger flushes under write load. */
  writeBufferBytes?: number;
  /** LevelDB's block cache. */
  cacheBytes?: number;
  /** The size at which the blob log starts a new segment file. */
  blobSegmentBytes?: number;
}

/** The blob log's directory inside the database's: LevelDB ignores names it did not make. */
const BLOBS_DIR = "blobs";

type Bytes = Uint8Array;

/** From this many keys, getMany reads on the thread pool instead of one synchronous get each. */
const ASYNC_GET_MANY = 32;

/**
 * Keys and most small values are arrays V8 keeps on its heap (V8_INLINE_BYTES), which LevelDB's
 * binding would make it move off one by one; they are handed over as views of one buffer that is
 * already off the heap: a batch's put cost about half as much (measured 0.6–1.1 µs against
 * 0.9–3.0 µs), and it was a sixth of a busy node's batch writing.
 */
const ON_HEAP_MAX = V8_INLINE_BYTES;

/** Copies of `items` that are small enough to be on the heap, as views of one off-heap buffer. */
function offHeap(items: readonly Uint8Array[]): Uint8Array[] {
  let total = 0;
  for (const item of items) if (item.length <= ON_HEAP_MAX) total += item.length;
  if (total === 0) return items as Uint8Array[];
  // Past the inline limit itself, so the buffer is never on the heap.
  const slab = new Uint8Array(Math.max(total, ON_HEAP_MAX + 1));
  const out = new Array<Uint8Array>(items.length);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.length > ON_HEAP_MAX) {
      out[i] = item;
      continue;
    }
    slab.set(item, at);
    out[i] = slab.subarray(at, at + item.length);
    at += item.length;
  }
  return out;
}

/** LevelDB hands back Buffers; protocol code sees plain Uint8Array views of the same memory. */
const view = (bytes: Uint8Array | undefined): Uint8Array | undefined =>
  bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class LevelStore implements KvStore {
  readonly #db: Level<Bytes, Bytes>;
  readonly #blobs: BlobLog;
  #open = true;
  /** A point read's key, copied off the heap (see ON_HEAP_MAX); one view per key length. */
  readonly #keyScratch = new Uint8Array(ON_HEAP_MAX + 1);
  readonly #keyViews: Uint8Array[] = [];

  private constructor(db: Level<Bytes, Bytes>, blobs: BlobLog) {
    this.#db = db;
    this.#blobs = blobs;
  }

  static async open(path: string, options: LevelStoreOptions = {}): Promise<LevelStore> {
    if (typeof path !== "string" || path === "")
      throw new TypeError(`path must be a non-empty string, got ${String(path)}`);
    const db = new Level<Bytes, Bytes>(path, {
      keyEncoding: "view",
      valueEncoding: "view",
      // Keys and most values are hashes: compression costs CPU and saves nothing.
      compression: false,
      writeBufferSize: options.writeBufferBytes ?? 32 * 1024 * 1024,
      cacheSize: options.cacheBytes ?? 32 * 1024 * 1024,
    });
    try {
      await db.open();
    } catch (err) {
      const locked = /lock/i.test(String((err as Error).cause ?? err));
      throw new StoreError(
        locked ? "STORE_LOCKED" : "STORE_OPEN_FAILED",
        locked
          ? `the database at ${path} is in use by another process`
          : `cannot open the database at ${path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    let blobs: BlobLog;
    try {
      blobs = await BlobLog.open(join(path, BLOBS_DIR), options.blobSegmentBytes ?? SEGMENT_BYTES);
    } catch (err) {
      await db.close();
      throw new StoreError(
        "STORE_OPEN_FAILED",
        `cannot open the blob log of ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return new LevelStore(db, blobs);
  }

  // Point reads are synchronous: LevelDB answers from its memtable, block cache or the page cache
  // in about 2 µs, while an asynchronous read's trip through the thread pool cost the event loop
  // 20–50 µs (measured), which is what a busy node runs short of. Only the promise stays, for
  // the KvStore interface.
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#assertOpen();
    return view(this.#db.getSync(this.#offHeapKey(key)) ?? undefined);
  }

  #offHeapKey(key: Uint8Array): Uint8Array {
    if (!(key instanceof Uint8Array) || key.length > ON_HEAP_MAX) return key;
    this.#keyScratch.set(key);
    this.#keyViews[key.length] ??= this.#keyScratch.subarray(0, key.length);
    return this.#keyViews[key.length];
  }

  // Many keys at once are read on LevelDB's side of the thread pool, in one trip: a cold read of
  // a large database costs about 10 µs, and a trie update at a million keys reads a thousand
  // nodes per level; on the main thread that was a fifth of its time (bench state.update_1e6:
  // 14.2-14.7k → 15.6-15.8k updates/s). A few keys are not worth the trip.
  async getMany(keys: readonly Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    this.#assertOpen();
    if (keys.length >= ASYNC_GET_MANY) {
      const found = await this.#db.getMany(offHeap(keys));
      const out = new Array<Uint8Array | undefined>(found.length);
      for (let i = 0; i < found.length; i++) out[i] = view(found[i] ?? undefined);
      return out;
    }
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++)
      out[i] = view(this.#db.getSync(this.#offHeapKey(keys[i])) ?? undefined);
    return out;
  }

  async write(ops: readonly WriteOp[], options: { sync?: boolean } = {}): Promise<void> {
    this.#assertOpen();
    if (ops.length === 0) return;
    // A chained batch skips the per-op object checks of db.batch(array): measured 1.5x faster.
    const batch = this.#db.batch();
    const items: Uint8Array[] = [];
    for (const op of ops) {
      items.push(op.key);
      if (op.type === "put") items.push(op.value);
    }
    // A synced batch makes the earlier ones durable too, and they name blobs (BlobLog.sync).
    if (options.sync === true) await this.#blobs.sync();
    const copies = offHeap(items);
    let at = 0;
    for (const op of ops) {
      if (op.type === "put") {
        batch.put(copies[at], copies[at + 1]);
        at += 2;
      } else batch.del(copies[at++]);
    }
    await batch.write({ sync: options.sync === true });
  }

  async appendBlobs(items: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#assertOpen();
    return this.#blobs.append(items);
  }

  placeBlob(length: number): Uint8Array {
    this.#assertOpen();
    return this.#blobs.place(length);
  }

  async writeBlobs(refs: readonly Uint8Array[], items: readonly Uint8Array[]): Promise<void> {
    this.#assertOpen();
    return this.#blobs.write(refs, items);
  }

  async readBlob(ref: Uint8Array): Promise<Uint8Array> {
    this.#assertOpen();
    return this.#blobs.read(ref);
  }

  async readBlobs(refs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#assertOpen();
    return this.#blobs.readMany(refs);
  }

  async *entries(range: {
    start: Uint8Array;
    end: Uint8Array;
    limit?: number;
    reverse?: boolean;
  }): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.#assertOpen();
    for await (const entry of this.#db.iterator({
      gte: range.start,
      lt: range.end,
      limit: range.limit ?? -1,
      reverse: range.reverse === true,
    })) {
      yield [view(entry[0])!, view(entry[1])!];
    }
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    try {
      await this.#blobs.close();
    } finally {
      await this.#db.close();
    }
  }

  #assertOpen(): void {
    if (!this.#open) throw new StoreError("STORE_CLOSED", "the database is closed");
  }
}
