// The nodes' logs (`DIR/node-<i>/node.log`, one JSON line per event): their last lines, and the
// lines appended after, read by polling the size (fs.watch misses appends on some filesystems).
import { open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";

/** How far back a tail reads at most, so a huge log costs no more than this. */
const TAIL_BYTES = 4 * 1024 * 1024;

/** The last `count` lines of `file` (fewer if it has fewer), and its size when read. */
export async function tailLines(file: string, count: number): Promise<{ lines: string[]; size: number }> {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number, got ${count}`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], size: 0 };
    throw e;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    if (start > 0) lines.shift(); // cut in the middle
    if (lines.at(-1) === "") lines.pop();
    return { lines: count === 0 ? [] : lines.slice(-count), size };
  } finally {
    await handle.close();
  }
}

export interface FollowedFile {
  file: string;
  /** Where reading starts: the size at the tail. */
  offset: number;
}

/**
 * Calls `onLine(i, line)` for each whole line appended to `files[i]` until `signal` aborts. A
 * file that shrinks (rewritten) is read again from its start.
 */
export async function followFiles(
  files: readonly FollowedFile[],
  onLine: (index: number, line: string) => void,
  signal: AbortSignal,
  pollMs = 250,
): Promise<void> {
  // A read may end inside a multi-byte character: the decoder keeps its first bytes for the next.
  const state = files.map((f) => ({ ...f, partial: "", decoder: new StringDecoder("utf8") }));
  while (!signal.aborted) {
    for (const [i, f] of state.entries()) {
      const size = await stat(f.file).then(
        (s) => s.size,
        () => 0,
      );
      if (size < f.offset) {
        f.offset = 0;
        f.partial = "";
        f.decoder = new StringDecoder("utf8");
      }
      if (size === f.offset) continue;
      const handle = await open(f.file, "r");
      try {
        const buf = Buffer.alloc(Math.min(size - f.offset, TAIL_BYTES));
        const { bytesRead } = await handle.read(buf, 0, buf.length, f.offset);
        f.offset += bytesRead;
        const parts = (f.partial + f.decoder.write(buf.subarray(0, bytesRead))).split("\n");
        f.partial = parts.pop() ?? "";
        for (const line of parts) onLine(i, line);
      } finally {
        await handle.close();
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
}
