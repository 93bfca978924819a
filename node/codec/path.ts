// Error paths like `Transfer.messages[2].amount`, assembled only when something fails: a
// composite catches its child's error, adds its own segment and rethrows, and encode/decode
// finish the path with the root schema's name. The happy path builds no strings at all.
import { CodecError, type CodecErrorCode } from "./errors.ts";

const pending = new WeakMap<Error, string[]>();

/** A CodecError whose path the enclosing composites will fill in. */
export function codecError(code: CodecErrorCode, detail: string): CodecError {
  const error = new CodecError(code, detail);
  pending.set(error, []);
  return error;
}

/** A TypeError (wrong kind of value passed to encode) whose message will get the path. */
export function misuseType(detail: string): TypeError {
  const error = new TypeError(detail);
  pending.set(error, []);
  return error;
}

/** A RangeError (right kind, wrong size or value passed to encode) whose message will get the path. */
export function misuseRange(detail: string): RangeError {
  const error = new RangeError(detail);
  pending.set(error, []);
  return error;
}

/** Adds `segment` (e.g. `.amount`, `[2]`) in front of the path of an error a child threw. */
export function rethrowAt(error: unknown, segment: string): never {
  if (error instanceof Error) pending.get(error)?.push(segment);
  throw error;
}

/** Puts the finished path, rooted at `root`, into the error's message (and `path`), then throws it. */
export function rethrowFrom(error: unknown, root: string): never {
  const segments = error instanceof Error ? pending.get(error) : undefined;
  if (segments !== undefined) {
    pending.delete(error as Error);
    const path = root + segments.reverse().join("");
    if (error instanceof CodecError) {
      error.path = path;
      error.message = `${path}: ${error.detail}`;
    } else {
      (error as Error).message = `${path}: ${(error as Error).message}`;
    }
  }
  throw error;
}

/**
 * The path of an item `depth` Tuples deep, `[i][j]…`, from the index at each level; a deep path
 * (values may nest 32,767 deep) keeps its first and last levels and counts the ones between.
 */
export function indexPath(depth: number, indexAt: (level: number) => number): string {
  const KEEP = 8;
  let path = "";
  for (let d = 0; d < depth; d++) {
    if (d === KEEP && depth > 2 * KEEP) {
      path += `…(${depth - 2 * KEEP} levels)…`;
      d = depth - KEEP - 1;
      continue;
    }
    path += `[${indexAt(d)}]`;
  }
  return path;
}
