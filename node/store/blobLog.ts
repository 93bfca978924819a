// The store's log of blobs: write-once records in numbered segment files beside LevelDB. A record
// that is written once and read by a reference never needs LevelDB's sorting, and there it cost
// the most: LevelDB rewrote each one at every level it compacted into. A blob is placed (its
// reference known) before it is written, so that blobs written together may name each other.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { StoreError } from "./errors.ts";
import { concatBytes, SegmentFiles, writeAll } from "./segmentFiles.ts";

/** A reference to a blob: segment (u32) ‖ offset (u32) ‖ length (u32), big-endian. */
export const BLOB_REF_BYTES = 12;
/** A segment is closed once the next blob placed would take it past this many bytes. */
export const SEGMENT_BYTES = 256 * 1024 * 1024;
const MAX_OFFSET = 0xffff_ffff;

// Byte by byte: a DataView needs the array's buffer, and asking a fresh small array for it makes
// V8 move the bytes off its heap, an allocation per reference.
export function encodeBlobRef(segment: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(BLOB_REF_BYTES);
  putU32(out, 0, segment);
  putU32(out, 4, offset);
  putU32(out, 8, length);
  return out;
}

function putU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = n >>> 16;
  out[at + 2] = n >>> 8;
  out[at + 3] = n;
}

export function decodeBlobRef(ref: Uint8Array): { segment: number; offset: number; length: number } {
  if (!(ref instanceof Uint8Array) || ref.length !== BLOB_REF_BYTES)
    throw new StoreError("STORE_BAD_REF", `a blob reference is ${BLOB_REF_BYTES} bytes`);
  return { segment: getU32(ref, 0), offset: getU32(ref, 4), length: getU32(ref, 8) };
}

const getU32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;

export class BlobLog {
  readonly #files: SegmentFiles;
  readonly #segmentBytes: number;
  /** Where the next blob is placed. */
  #segment: number;
  #offset: number;
  /** The handle writes go through, and its segment. */
  #writer: FileHandle;
  #writerSegment: number;
  /** Bytes written through #writer since it was last flushed to the disk (sync). */
  #dirty = false;
  /** Writes run one after another, so a segment's handle is never closed under one. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Read-only descriptors by segment, least recently used first, at most READERS_KEPT. */
  readonly #readers = new Map<number, Reader>();
  #closed = false;

  private constructor(
    files: SegmentFiles,
    segmentBytes: number,
    segment: number,
    offset: number,
    writer: FileHandle,
  ) {
    this.#files = files;
    this.#segmentBytes = segmentBytes;
    this.#segment = segment;
    this.#offset = offset;
    this.#writer = writer;
    this.#writerSegment = segment;
  }

  /**
   * Opens the log in `dir`; blobs are placed on at the end of its newest segment. Whatever a
   * writer that stopped mid-write left there (bytes no committed record names, since a record
   * names a blob only once its bytes are written) stays behind as unused space.
   */
  static async open(dir: string, segmentBytes = SEGMENT_BYTES): Promise<BlobLog> {
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1 || segmentBytes > MAX_OFFSET)
      throw new RangeError(`segmentBytes must be an integer from 1 to ${MAX_OFFSET}, got ${segmentBytes}`);
    await mkdir(dir, { recursive: true });
    const files = new SegmentFiles(dir, "blob");
    const segment = (await files.list()).at(-1) ?? 0;
    const writer = await openForWrite(files.path(segment));
    try {
      const { size } = await writer.stat();
      return new BlobLog(files, segmentBytes, segment, size, writer);
    } catch (e) {
      await writer.close();
      throw e;
    }
  }

  /**
   * Places a blob of `length` bytes after every blob placed before it and answers its reference
   * at once, before its bytes are written (write): so a blob may name another written with it.
   */
  place(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0)
      throw new RangeError(`a blob's length must be a non-negative integer, got ${length}`);
    if (length > MAX_OFFSET)
      throw new StoreError("STORE_TOO_LARGE", `a blob of ${length} bytes does not fit one segment`);
    if (this.#offset > 0 && this.#offset + length > this.#segmentBytes) {
      this.#segment++;
      this.#offset = 0;
    }
    const ref = encodeBlobRef(this.#segment, this.#offset, length);
    this.#offset += length;
    return ref;
  }

  /** Writes each of `items` where `refs` (from place, one per item, of its length) put it. */
  write(refs: readonly Uint8Array[], items: readonly Uint8Array[]): Promise<void> {
    if (refs.length !== items.length) throw new TypeError("write: one reference per item");
    const places = refs.map((ref, i) => {
      const place = decodeBlobRef(ref);
      if (place.length !== items[i].length)
        throw new TypeError(`write: item ${i} is ${items[i].length} bytes, its place ${place.length}`);
      if (!this.#placed(place)) throw new TypeError(`write: reference ${i} names room never placed`);
      return place;
    });
    const run = this.#tail.then(() => this.#write(places, items));
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Places `items` back to back and writes them; resolves to their references once written. */
  async append(items: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const refs = items.map((item) => this.place(item.length));
    await this.write(refs, items);
    return refs;
  }

  /**
   * Flushes what was written so far to the disk itself. A batch that is synced (a validator's
   * own vote) also makes every earlier batch durable, and those name blobs: they go first.
   */
  sync(): Promise<void> {
    const run = this.#tail.then(async () => {
      if (!this.#dirty) return;
      await this.#writer.datasync();
      this.#dirty = false;
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  #placed({ segment, offset, length }: BlobPlace): boolean {
    return segment < this.#segment || (segment === this.#segment && offset + length <= this.#offset);
  }

  /** Each run of blobs placed back to back in one segment goes to its file in one write. */
  async #write(places: readonly BlobPlace[], items: readonly Uint8Array[]): Promise<void> {
    for (let start = 0; start < places.length; ) {
      const { segment, offset } = places[start];
      let end = start + 1;
      let at = offset + places[start].length;
      while (end < places.length && places[end].segment === segment && places[end].offset === at) {
        at += places[end].length;
        end++;
      }
      if (at > offset) {
        const bytes = end - start === 1 ? items[start] : concatBytes(items.slice(start, end));
        if (segment >= this.#writerSegment) {
          await writeAll(await this.#writerFor(segment), bytes, offset);
          this.#dirty = true;
        } else {
          // Placed before the log moved on to a newer segment, written after: a handle of its
          // own, flushed before it closes, as the segment's own handle was.
          const writer = await openForWrite(this.#files.path(segment));
          try {
            await writeAll(writer, bytes, offset);
            await writer.datasync();
          } finally {
            await writer.close();
          }
        }
      }
      start = end;
    }
  }

  /**
   * The log moves on to a newer segment for good: the older one is flushed to the disk (a later
   * sync flushes only the newest) and its handle closed.
   */
  async #writerFor(segment: number): Promise<FileHandle> {
    if (segment === this.#writerSegment) return this.#writer;
    if (this.#dirty) await this.#writer.datasync();
    const writer = await openForWrite(this.#files.path(segment));
    const old = this.#writer;
    this.#writer = writer;
    this.#writerSegment = segment;
    this.#dirty = false;
    await old.close();
    return writer;
  }

  /** The blob `ref` names; STORE_BAD_REF if it names bytes the log does not hold. */
  read(ref: Uint8Array): Uint8Array {
    return this.readMany([ref])[0];
  }

  /**
   * The blobs `refs` name, as views of one new array: an array of its own per blob cost as much
   * as the read itself (about 2.7 µs: V8 tracks each one off its heap). Room placed and never
   * written, inside a segment's file, reads as zeros: readers check what they read.
   */
  readMany(refs: readonly Uint8Array[]): Uint8Array[] {
    const places = refs.map(decodeBlobRef);
    let total = 0;
    for (const place of places) {
      if (place.length === 0) continue;
      if (!this.#placed(place)) throw missing(place);
      // Before anything is allocated: a damaged length could name gigabytes.
      if (place.offset + place.length > this.#reader(place).size) throw missing(place);
      total += place.length;
    }
    const slab = new Uint8Array(total);
    const out = new Array<Uint8Array>(places.length);
    let at = 0;
    for (let i = 0; i < places.length; i++) {
      const place = places[i];
      const { offset, length } = place;
      // Synchronous: the bytes were written moments ago, or long ago and read seldom; from the
      // page cache a read costs about 3 µs, a trip through the thread pool 20–50 µs of the loop.
      if (length > 0) {
        // Opened above; again only if more segments than are kept came in one call.
        const fd = this.#readers.get(place.segment)?.fd ?? this.#reader(place).fd;
        let got = 0;
        while (got < length) {
          const n = readSync(fd, slab, at + got, length - got, offset + got);
          if (n === 0) throw missing(place);
          got += n;
        }
      }
      out[i] = slab.subarray(at, at + length);
      at += length;
    }
    return out;
  }

  /**
   * The descriptor of `place`'s segment, with a size that covers `place` if the file does: the
   * size kept is looked up again when it falls short, since the log writes on behind it.
   */
  #reader(place: BlobPlace): Reader {
    const { segment } = place;
    let reader = this.#readers.get(segment);
    if (reader !== undefined) {
      this.#readers.delete(segment);
      this.#readers.set(segment, reader);
    } else {
      let fd: number;
      try {
        fd = openSync(this.#files.path(segment), "r");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        // A segment placed in and not written yet holds nothing; one before it must exist.
        if (segment === this.#segment) throw missing(place);
        throw new StoreError("STORE_CORRUPT", `blob segment ${segment} is missing`, { cause: e });
      }
      if (this.#readers.size >= READERS_KEPT) {
        const [oldest, old] = this.#readers.entries().next().value as [number, Reader];
        this.#readers.delete(oldest);
        closeSync(old.fd);
      }
      reader = { fd, size: fstatSync(fd).size };
      this.#readers.set(segment, reader);
    }
    if (place.offset + place.length > reader.size) reader.size = fstatSync(reader.fd).size;
    return reader;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    for (const { fd } of this.#readers.values()) closeSync(fd);
    this.#readers.clear();
    await this.#writer.close();
  }
}

interface BlobPlace {
  segment: number;
  offset: number;
  length: number;
}

interface Reader {
  fd: number;
  /** The file's size when last looked up. */
  size: number;
}

const missing = ({ segment, offset, length }: BlobPlace) =>
  new StoreError("STORE_BAD_REF", `no blob of ${length} bytes at ${segment}:${offset} in the log`);

/** Segments whose read descriptors stay open; a trie's nodes are spread over every segment. */
const READERS_KEPT = 64;

/** Opened for positional writes: with O_APPEND, Linux would append wherever the write asked. */
const openForWrite = (path: string) => open(path, constants.O_RDWR | constants.O_CREAT);
