// Where the trie's records live in the store (specs/state.md §3). Nodes and values are blobs; in
// LevelDB, the root each update made is keyed by its version, in one run of keys under one tag,
// so each update appends above every earlier record and LevelDB moves whole files down its levels
// instead of merging them again. The index of roots by hash, which cannot be in version order, is
// written in bulk, seldom.
import { HASH_BYTES } from "./hashing.ts";
import { readVersion, VERSION_BYTES, writeVersion } from "./trieNode.ts";

export const RECORD = { rootIndex: 0x01, indexedThrough: 0x02, versioned: 0x03 } as const;

/** In a versioned key, the byte after the version: the key of a root record. */
export const ROOT_MARK = 0xfe;

function head(prefix: Uint8Array, tag: number, rest: number): { out: Uint8Array; at: number } {
  const out = new Uint8Array(prefix.length + 1 + rest);
  out.set(prefix);
  out[prefix.length] = tag;
  return { out, at: prefix.length + 1 };
}

/** version ‖ 0xfe: the root an update made. */
export function rootRecordKey(prefix: Uint8Array, version: number): Uint8Array {
  const { out, at } = head(prefix, RECORD.versioned, VERSION_BYTES + 1);
  writeVersion(out, at, version);
  out[at + VERSION_BYTES] = ROOT_MARK;
  return out;
}

/** The version a key of the run was written under. */
export function versionOfKey(prefix: Uint8Array, key: Uint8Array): number {
  return readVersion(key, prefix.length + 1);
}

/** Every key of the run: `start <= key < end`. */
export function runRange(prefix: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  return { start: head(prefix, RECORD.versioned, 0).out, end: head(prefix, RECORD.versioned + 1, 0).out };
}

export function rootIndexKey(prefix: Uint8Array, root: Uint8Array): Uint8Array {
  const { out, at } = head(prefix, RECORD.rootIndex, HASH_BYTES);
  out.set(root, at);
  return out;
}

export function indexedThroughKey(prefix: Uint8Array): Uint8Array {
  return head(prefix, RECORD.indexedThrough, 0).out;
}
