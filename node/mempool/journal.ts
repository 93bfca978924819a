// The mempool's journal (chain §7.3): every accepted message is on disk before the node answers
// "accepted", so a crash or a restart does not lose it. Entries are appended to segment files and
// a segment is deleted once a round has decided every message in it: a message lives a round or
// two, and in LevelDB its entry and its deletion were two records under a random key that the
// compactions merged again and again.
import { type FileHandle, mkdir, open, readFile, rm } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { toHex } from "../bytes/index.ts";
import { type KvStore, SegmentFiles, type WriteOp, writeAll } from "../store/index.ts";

export interface JournalEntry {
  hash: Uint8Array;
  bytes: Uint8Array;
}

const HASH_BYTES = 32;
/** A frame: payload length (u32) ‖ CRC-32 of the payload (u32) ‖ payload (hash ‖ message). */
const FRAME_HEAD = 8;
/** A segment takes appends until it holds this many bytes; the next one starts then. */
export const JOURNAL_SEGMENT_BYTES = 8 * 1024 * 1024;

/** The journal of store formats before 5: "P" ‖ message hash → arrival (u64) ‖ message. */
const LEGACY_PREFIX = 0x50;

/** A message waiting for its batch's write. */
interface Pending {
  key: string;
  hash: Uint8Array;
  bytes: Uint8Array;
}

/**
 * The frames of a batch, written into one array: a frame of its own per message was an array off
 * V8's heap each (a malloc and a free), copied once more into the batch's.
 */
function frames(batch: readonly Pending[]): Uint8Array {
  let total = 0;
  for (const p of batch) total += FRAME_HEAD + HASH_BYTES + p.bytes.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { hash, bytes } of batch) {
    const payload = HASH_BYTES + bytes.length;
    out.set(hash, at + FRAME_HEAD);
    out.set(bytes, at + FRAME_HEAD + HASH_BYTES);
    view.setUint32(at, payload);
    view.setUint32(at + 4, crc32(out.subarray(at + FRAME_HEAD, at + FRAME_HEAD + payload)));
    at += FRAME_HEAD + payload;
  }
  return out;
}

export class MempoolJournal {
  readonly #files: SegmentFiles;
  readonly #segmentBytes: number;
  /** Undecided entries per segment; a segment left with none (and not written to) is deleted. */
  readonly #live = new Map<number, number>();
  /** The segments of each undecided message's entries (one sent again after a refusal has two). */
  readonly #segmentsOf = new Map<string, number[]>();
  #segment: number;
  #file: FileHandle | null = null;
  #size = 0;
  #loaded = false;
  /** Bytes `load` found past the last whole entry of a segment. */
  droppedBytes = 0;
  #batch: Pending[] = [];
  #flush: Promise<void> | null = null;
  /** Writes run one after another, each at the end the one before it left. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(files: SegmentFiles, segmentBytes: number, newest: number) {
    this.#files = files;
    this.#segmentBytes = segmentBytes;
    // Appends never go to a segment of an earlier run, whose end a crash may have cut short.
    this.#segment = newest + 1;
  }

  static async open(dir: string, options: { segmentBytes?: number } = {}): Promise<MempoolJournal> {
    await mkdir(dir, { recursive: true });
    const files = new SegmentFiles(dir, "journal");
    const newest = (await files.list()).at(-1) ?? -1;
    return new MempoolJournal(files, options.segmentBytes ?? JOURNAL_SEGMENT_BYTES, newest);
  }

  /**
   * The entries on disk, oldest first. A frame that does not read ends its segment: it is the
   * write a crash cut short, which no client was told was accepted; `droppedBytes` counts them.
   */
  async load(): Promise<JournalEntry[]> {
    if (this.#loaded) throw new Error("mempool journal: load runs once, before any add");
    this.#loaded = true;
    const entries: JournalEntry[] = [];
    for (const segment of await this.#files.list()) {
      const data = new Uint8Array(await readFile(this.#files.path(segment)));
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      let at = 0;
      let count = 0;
      while (at + FRAME_HEAD <= data.length) {
        const length = view.getUint32(at);
        const end = at + FRAME_HEAD + length;
        if (length <= HASH_BYTES || end > data.length) break;
        const payload = data.subarray(at + FRAME_HEAD, end);
        if (crc32(payload) !== view.getUint32(at + 4)) break;
        const hash = payload.slice(0, HASH_BYTES);
        entries.push({ hash, bytes: payload.slice(HASH_BYTES) });
        this.#note(toHex(hash), segment);
        count++;
        at = end;
      }
      this.droppedBytes += data.length - at;
      if (count === 0) await this.#delete(segment);
    }
    return entries;
  }

  /**
   * Moves the entries of the LevelDB journal of formats before 5 into this one, then deletes
   * them; they come before every entry loaded.
   */
  async adopt(store: KvStore): Promise<JournalEntry[]> {
    const found: { seq: bigint; entry: JournalEntry; key: Uint8Array }[] = [];
    for await (const [k, v] of store.entries({
      start: Uint8Array.of(LEGACY_PREFIX),
      end: Uint8Array.of(LEGACY_PREFIX + 1),
    })) {
      if (k.length !== 1 + HASH_BYTES || v.length <= 8) throw new Error("mempool journal: a damaged entry");
      const seq = new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0);
      found.push({ seq, entry: { hash: k.slice(1), bytes: v.slice(8) }, key: k.slice() });
    }
    if (found.length === 0) return [];
    found.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    await Promise.all(found.map((f) => this.add(f.entry.hash, f.entry.bytes)));
    await store.write(found.map((f): WriteOp => ({ type: "del", key: f.key })));
    return found.map((f) => f.entry);
  }

  /**
   * Writes a message; resolves once it is in the file. Messages accepted together (an RPC batch)
   * share one write.
   */
  add(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    this.#loaded = true;
    this.#batch.push({ key: toHex(hash), hash, bytes });
    this.#flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.#batch;
      this.#batch = [];
      this.#flush = null;
      const run = this.#tail.then(() => this.#write(batch));
      this.#tail = run.catch(() => {});
      return run;
    });
    return this.#flush;
  }

  async #write(batch: Pending[]): Promise<void> {
    if (this.#size >= this.#segmentBytes) await this.#nextSegment();
    const bytes = frames(batch);
    const segment = this.#segment;
    try {
      this.#file ??= await open(this.#files.path(segment), "a");
      await writeAll(this.#file, bytes, null);
    } catch (e) {
      // Part of this batch may be in the file, and `load` stops a segment at the first entry that
      // does not read: later entries, answered "accepted", go to a segment of their own.
      await this.#nextSegment().catch(() => {});
      throw e;
    }
    this.#size += bytes.length;
    for (const b of batch) this.#note(b.key, segment);
  }

  async #nextSegment(): Promise<void> {
    const file = this.#file;
    this.#file = null;
    this.#segment++;
    this.#size = 0;
    await file?.close();
  }

  #note(key: string, segment: number): void {
    this.#live.set(segment, (this.#live.get(segment) ?? 0) + 1);
    const segments = this.#segmentsOf.get(key);
    if (segments === undefined) this.#segmentsOf.set(key, [segment]);
    else segments.push(segment);
  }

  /**
   * Forgets decided messages, and deletes the segments left without an undecided one. It never
   * fails: a segment it could not delete is read again at the next start, where the statuses the
   * rounds wrote show its messages decided.
   */
  async remove(hashes: readonly Uint8Array[]): Promise<void> {
    for (const hash of hashes) {
      const key = toHex(hash);
      const segments = this.#segmentsOf.get(key);
      if (segments === undefined) continue;
      for (const segment of segments) this.#live.set(segment, (this.#live.get(segment) ?? 1) - 1);
      this.#segmentsOf.delete(key);
    }
    // The segment being written to stays until the next one starts.
    for (const [segment, left] of this.#live)
      if (left <= 0 && segment < this.#segment) await this.#delete(segment).catch(() => {});
  }

  async #delete(segment: number): Promise<void> {
    this.#live.delete(segment);
    await rm(this.#files.path(segment), { force: true });
  }

  /** Waits for the writes in flight, then closes the file. */
  async close(): Promise<void> {
    await this.#flush?.catch(() => {});
    await this.#tail;
    await this.#file?.close();
    this.#file = null;
  }
}
