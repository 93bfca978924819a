// KvStore held in memory: the in-process sandbox and unit tests use it where a disk adds nothing.
// Batches are atomic here too: every op is validated before the first is applied.
import { decodeBlobRef, encodeBlobRef } from "./blobLog.ts";
import { StoreError } from "./errors.ts";
import type { KvStore, WriteOp } from "./kvStore.ts";

const toKey = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const fromKey = (key: string): Uint8Array => new Uint8Array(Buffer.from(key, "latin1"));

export class MemoryStore implements KvStore {
  readonly #map = new Map<string, Uint8Array>();
  /** Blobs by offset in one segment, 0. Nothing crashes here, so every blob is kept. */
  readonly #blobs = new Map<number, Uint8Array>();
  #blobEnd = 0;
  #open = true;

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#assertOpen();
    return this.#map.get(toKey(key))?.slice();
  }

  async getMany(keys: readonly Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    this.#assertOpen();
    return keys.map((k) => this.#map.get(toKey(k))?.slice());
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    this.#assertOpen();
    for (const op of ops) {
      if (!(op.key instanceof Uint8Array) || (op.type === "put" && !(op.value instanceof Uint8Array))) {
        throw new TypeError("every op needs a Uint8Array key (and value for put)");
      }
    }
    for (const op of ops) {
      if (op.type === "put") this.#map.set(toKey(op.key), op.value.slice());
      else this.#map.delete(toKey(op.key));
    }
  }

  async *entries(range: {
    start: Uint8Array;
    end: Uint8Array;
    limit?: number;
    reverse?: boolean;
  }): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.#assertOpen();
    const start = toKey(range.start);
    const end = toKey(range.end);
    // latin1 strings compare like the bytes they hold, so this is byte order.
    const keys = [...this.#map.keys()].filter((k) => k >= start && k < end).sort();
    if (range.reverse === true) keys.reverse();
    const limit = range.limit ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < keys.length && i < limit; i++)
      yield [fromKey(keys[i]), this.#map.get(keys[i])!.slice()];
  }

  async appendBlobs(items: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#assertOpen();
    return items.map((item) => {
      const ref = this.placeBlob(item.length);
      this.#putBlob(ref, item);
      return ref;
    });
  }

  placeBlob(length: number): Uint8Array {
    this.#assertOpen();
    if (!Number.isSafeInteger(length) || length < 0)
      throw new RangeError(`a blob's length must be a non-negative integer, got ${length}`);
    const ref = encodeBlobRef(0, this.#blobEnd, length);
    this.#blobEnd += length;
    return ref;
  }

  async writeBlobs(refs: readonly Uint8Array[], items: readonly Uint8Array[]): Promise<void> {
    this.#assertOpen();
    if (refs.length !== items.length) throw new TypeError("writeBlobs: one reference per item");
    for (const [i, ref] of refs.entries()) {
      const { segment, offset, length } = decodeBlobRef(ref);
      if (length !== items[i].length)
        throw new TypeError(`writeBlobs: item ${i} is not the length of its place`);
      if (segment !== 0 || offset + length > this.#blobEnd)
        throw new TypeError(`writeBlobs: reference ${i} names room never placed`);
    }
    for (const [i, ref] of refs.entries()) this.#putBlob(ref, items[i]);
  }

  /** An empty blob takes no room: the next one starts at the same offset. */
  #putBlob(ref: Uint8Array, item: Uint8Array): void {
    if (item.length > 0) this.#blobs.set(decodeBlobRef(ref).offset, item.slice());
  }

  async readBlob(ref: Uint8Array): Promise<Uint8Array> {
    this.#assertOpen();
    const { segment, offset, length } = decodeBlobRef(ref);
    if (length === 0 && segment === 0 && offset <= this.#blobEnd) return new Uint8Array(0);
    const blob = segment === 0 ? this.#blobs.get(offset) : undefined;
    if (blob === undefined || blob.length !== length)
      throw new StoreError(
        "STORE_BAD_REF",
        `no blob of ${length} bytes at ${segment}:${offset} in the store`,
      );
    return blob.slice();
  }

  async readBlobs(refs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const ref of refs) out.push(await this.readBlob(ref));
    return out;
  }

  async close(): Promise<void> {
    this.#open = false;
  }

  #assertOpen(): void {
    if (!this.#open) throw new StoreError("STORE_CLOSED", "the store is closed");
  }
}
