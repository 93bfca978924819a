// The one storage interface the rest of the node sees. Keys and values are bytes; a batch is
// atomic (all of it is on disk or none of it), which is what lets a block commit leave no half
// state behind (DESIGN §8).

export type WriteOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

export interface KvStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** One lookup per key, answered in the keys' order; much cheaper than many `get` calls. */
  getMany(keys: readonly Uint8Array[]): Promise<Array<Uint8Array | undefined>>;
  /**
   * Writes every op or none. With `sync`, resolves only once the batch is flushed to the disk
   * itself (fsync), so it outlives a power cut or a crash of the machine, not only of the process:
   * for the few writes a promise to others rests on (a validator's own votes, consensus §5.1).
   * The blobs written before it are flushed first, since the earlier batches that name them
   * become durable with it.
   */
  write(ops: readonly WriteOp[], options?: { sync?: boolean }): Promise<void>;
  /** Entries with `start <= key < end`, in key order (descending with `reverse`), at most `limit`. */
  entries(range: {
    start: Uint8Array;
    end: Uint8Array;
    limit?: number;
    reverse?: boolean;
  }): AsyncIterable<[Uint8Array, Uint8Array]>;
  /**
   * Appends records that are written once and read by reference (blobs); resolves to a reference
   * to each (BLOB_REF_BYTES) once they are written, so a batch written after that may hold the
   * references. Blobs are never deleted; those of a writer that stopped before its batch are
   * bytes nothing refers to.
   */
  appendBlobs(items: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * Places a blob of `length` bytes at the end of the log and answers its reference at once,
   * before it is written (writeBlobs): so blobs written together may name each other (a trie
   * node its children). Room placed and never written is bytes nothing refers to.
   */
  placeBlob(length: number): Uint8Array;
  /** Writes each of `items` at its reference from placeBlob; a batch that names them follows. */
  writeBlobs(refs: readonly Uint8Array[], items: readonly Uint8Array[]): Promise<void>;
  /** The blob `ref` names; STORE_BAD_REF when the store holds none there. */
  readBlob(ref: Uint8Array): Promise<Uint8Array>;
  /**
   * The blobs `refs` name, in their order; STORE_BAD_REF when one names bytes the store does not
   * hold. Room placed and never written may read as STORE_BAD_REF or as zeros, by store: a reader
   * checks what it reads (the trie against hashes).
   */
  readBlobs(refs: readonly Uint8Array[]): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

/** The first key after every key that starts with `start`. */
export function prefixEnd(start: Uint8Array): Uint8Array {
  const end = start.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0xff, 0xff, 0xff);
}
