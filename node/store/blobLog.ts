// The store's log of blobs: write-once records appended to numbered segment files beside LevelDB.
// A record that is written once and read by a reference never needs LevelDB's sorting, and there
// it cost the most: LevelDB rewrote each one at every level it compacted into.
import { constants } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { StoreError } from "./errors.ts";
import { concatBytes, SegmentFiles, writeAll } from "./segmentFiles.ts";

/** A reference to a blob: segment (u32) ‖ offset (u32) ‖ length (u32), big-endian. */
export const BLOB_REF_BYTES = 12;
/** A segment is closed once the next append would take it past this many bytes. */
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
  const v = new DataView(ref.buffer, ref.byteOffset, BLOB_REF_BYTES);
  return { segment: v.getUint32(0), offset: v.getUint32(4), length: v.getUint32(8) };
}

export class BlobLog {
  readonly #files: SegmentFiles;
  readonly #segmentBytes: number;
  #segment: number;
  #offset: number;
  #writer: FileHandle;
  /** Appends run one after another, so each writes where the one before it ended. */
  #tail: Promise<unknown> = Promise.resolve();

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
  }

  /**
   * Opens the log in `dir`; appends go on at the end of its newest segment. Whatever a writer
   * that stopped mid-append left there (bytes no reference names, since a reference is handed out
   * only once its bytes are written) stays behind as unused space.
   */
  static async open(dir: string, segmentBytes = SEGMENT_BYTES): Promise<BlobLog> {
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

  /** Writes `items` back to back, in one write; resolves to their references once on disk. */
  append(items: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const run = this.#tail.then(() => this.#append(items));
    this.#tail = run.catch(() => {});
    return run;
  }

  async #append(items: readonly Uint8Array[]): Promise<Uint8Array[]> {
    let total = 0;
    for (const item of items) total += item.length;
    if (this.#offset > 0 && this.#offset + total > this.#segmentBytes) await this.#nextSegment();
    if (this.#offset + total > MAX_OFFSET)
      throw new StoreError("STORE_TOO_LARGE", `${total} bytes of blobs do not fit one segment`);
    const refs: Uint8Array[] = [];
    let at = this.#offset;
    for (const item of items) {
      refs.push(encodeBlobRef(this.#segment, at, item.length));
      at += item.length;
    }
    await writeAll(this.#writer, concatBytes(items), this.#offset);
    this.#offset += total;
    return refs;
  }

  async #nextSegment(): Promise<void> {
    const next = this.#segment + 1;
    const writer = await openForWrite(this.#files.path(next));
    const old = this.#writer;
    this.#writer = writer;
    this.#segment = next;
    this.#offset = 0;
    await old.close();
  }

  /** The blob `ref` names; STORE_BAD_REF if it names bytes the log does not hold. */
  async read(ref: Uint8Array): Promise<Uint8Array> {
    const { segment, offset, length } = decodeBlobRef(ref);
    const missing = () =>
      new StoreError("STORE_BAD_REF", `no blob of ${length} bytes at ${segment}:${offset} in the log`);
    if (segment > this.#segment || (segment === this.#segment && offset + length > this.#offset))
      throw missing();
    // Each read opens its segment: reads are a client's look-ups, rare next to appends, and a
    // handle of its own is not closed under it when the writer moves on to a new segment.
    let handle: FileHandle;
    try {
      handle = await open(this.#files.path(segment), "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      throw new StoreError("STORE_CORRUPT", `blob segment ${segment} is missing`, { cause: e });
    }
    try {
      return await readFully(handle, offset, length, missing);
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {
    await this.#tail;
    await this.#writer.close();
  }
}

/** Opened for positional writes: with O_APPEND, Linux would append wherever the write asked. */
const openForWrite = (path: string) => open(path, constants.O_RDWR | constants.O_CREAT);

async function readFully(
  handle: FileHandle,
  offset: number,
  length: number,
  missing: () => Error,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(out, got, length - got, offset + got);
    if (bytesRead === 0) throw missing();
    got += bytesRead;
  }
  return out;
}
