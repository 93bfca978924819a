// Where the trie's records live in the store (specs/state.md §3). Node and value records are keyed
// by the version (update) that wrote them first, so each update's records form one contiguous
// run of keys above all earlier ones: LevelDB appends them instead of merging them into the
// whole key space, which is what kept random hash-keyed records from scaling.
import { HASH_BYTES, KEY_BYTES } from "./hashing.ts";
import { VERSION_BYTES, writeVersion } from "./trieNode.ts";

export const RECORD = { node: 0x01, value: 0x02, root: 0x03, lastVersion: 0x04 } as const;

function head(prefix: Uint8Array, tag: number, rest: number): { out: Uint8Array; at: number } {
  const out = new Uint8Array(prefix.length + 1 + rest);
  out.set(prefix);
  out[prefix.length] = tag;
  return { out, at: prefix.length + 1 };
}

/** version ‖ depth ‖ the first `depth` nibbles of `path`, packed two to a byte. */
export function nodeKey(prefix: Uint8Array, version: number, depth: number, path: Uint8Array): Uint8Array {
  const pathBytes = (depth + 1) >> 1;
  const { out, at } = head(prefix, RECORD.node, VERSION_BYTES + 1 + pathBytes);
  writeVersion(out, at, version);
  out[at + VERSION_BYTES] = depth;
  out.set(path.subarray(0, pathBytes), at + VERSION_BYTES + 1);
  if (depth & 1) out[out.length - 1] &= 0xf0;
  return out;
}

export function valueKey(prefix: Uint8Array, version: number, key: Uint8Array): Uint8Array {
  const { out, at } = head(prefix, RECORD.value, VERSION_BYTES + KEY_BYTES);
  writeVersion(out, at, version);
  out.set(key, at + VERSION_BYTES);
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
