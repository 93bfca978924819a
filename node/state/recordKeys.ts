// Where the trie's records live in the store (specs/state.md §3). Node and value records are keyed
// by the version (update) that wrote them first, in one run of keys under one tag, so each update
// appends above every earlier record: LevelDB then moves whole files down its levels instead of
// merging them again. The root records and the high-water mark, written with every update but
// not in version order, sort below that run, where they overlap only the oldest files.
import { HASH_BYTES, KEY_BYTES } from "./hashing.ts";
import { VERSION_BYTES, writeVersion } from "./trieNode.ts";

export const RECORD = { root: 0x01, lastVersion: 0x02, versioned: 0x03 } as const;

/** In a versioned key, the byte after the version: a node's depth (0–63), or this for a value. */
export const VALUE_MARK = 0xff;

function head(prefix: Uint8Array, tag: number, rest: number): { out: Uint8Array; at: number } {
  const out = new Uint8Array(prefix.length + 1 + rest);
  out.set(prefix);
  out[prefix.length] = tag;
  return { out, at: prefix.length + 1 };
}

/** version ‖ depth ‖ the first `depth` nibbles of `path`, packed two to a byte. */
export function nodeKey(prefix: Uint8Array, version: number, depth: number, path: Uint8Array): Uint8Array {
  const pathBytes = (depth + 1) >> 1;
  const { out, at } = head(prefix, RECORD.versioned, VERSION_BYTES + 1 + pathBytes);
  writeVersion(out, at, version);
  out[at + VERSION_BYTES] = depth;
  out.set(path.subarray(0, pathBytes), at + VERSION_BYTES + 1);
  if (depth & 1) out[out.length - 1] &= 0xf0;
  return out;
}

/** version ‖ 0xff ‖ key: after the nodes of the same version. */
export function valueKey(prefix: Uint8Array, version: number, key: Uint8Array): Uint8Array {
  const { out, at } = head(prefix, RECORD.versioned, VERSION_BYTES + 1 + KEY_BYTES);
  writeVersion(out, at, version);
  out[at + VERSION_BYTES] = VALUE_MARK;
  out.set(key, at + VERSION_BYTES + 1);
  return out;
}

export function rootKey(prefix: Uint8Array, root: Uint8Array): Uint8Array {
  const { out, at } = head(prefix, RECORD.root, HASH_BYTES);
  out.set(root, at);
  return out;
}

export function lastVersionKey(prefix: Uint8Array): Uint8Array {
  return head(prefix, RECORD.lastVersion, 0).out;
}
