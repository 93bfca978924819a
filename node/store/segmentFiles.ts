// Numbered segment files in one directory, `NNNNNNNN.<ext>` (the number in 8 digits): the blob
// log's and the mempool journal's, each appended to and never rewritten.
import type { FileHandle } from "node:fs/promises";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

export class SegmentFiles {
  readonly dir: string;
  readonly #name: RegExp;
  readonly #ext: string;

  constructor(dir: string, ext: string) {
    this.dir = dir;
    this.#ext = ext;
    this.#name = new RegExp(`^(\\d{8})\\.${ext}$`);
  }

  path(segment: number): string {
    return join(this.dir, `${String(segment).padStart(8, "0")}.${this.#ext}`);
  }

  /** The segments present, lowest first; other files in the directory are not theirs. */
  async list(): Promise<number[]> {
    const out: number[] = [];
    for (const name of await readdir(this.dir)) {
      const m = this.#name.exec(name);
      if (m !== null) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }
}

/** `items` back to back in one array, so they go to the file in one write. */
export function concatBytes(items: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const item of items) total += item.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const item of items) {
    out.set(item, at);
    at += item.length;
  }
  return out;
}

/** Writes all of `bytes`, at `position` or (null) where the file's appends go. */
export async function writeAll(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number | null,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const at = position === null ? null : position + written;
    written += (await handle.write(bytes, written, bytes.length - written, at)).bytesWritten;
  }
}
