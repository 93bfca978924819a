// Proofs of a key's value or absence, checked against a state root alone (specs/state.md §4).
// The wallet CLI uses them so that a lying RPC node cannot fake a balance.
import { equalBytes } from "../bytes/index.ts";
import { StateError } from "./errors.ts";
import { EMPTY_HASH, HASH_BYTES, KEY_BYTES, leafHash, nibbleAt, nodeHash, popcount16 } from "./hashing.ts";

/** One node on the path from the root: its child bitmap and the hashes of every child but the path's. */
export interface ProofLevel {
  bitmap: number;
  siblings: Uint8Array[];
}

export type ProofTerminal = { kind: "empty" } | { kind: "leaf"; key: Uint8Array; valueHash: Uint8Array };

export interface TrieProof {
  levels: ProofLevel[];
  terminal: ProofTerminal;
}

export type ProofResult = { included: true; valueHash: Uint8Array } | { included: false };

/** The deepest possible path: one node per nibble of a key. */
export const MAX_PROOF_LEVELS = KEY_BYTES * 2;

/**
 * Checks `proof` for `key` against `root` and says whether the key is in that state (and with
 * which value hash). Throws STATE_BAD_PROOF if the proof is malformed or belongs to another root.
 */
export function verifyProof(root: Uint8Array, key: Uint8Array, proof: TrieProof): ProofResult {
  const bad = (why: string) => new StateError("STATE_BAD_PROOF", `the state proof is invalid: ${why}`);
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES)
    throw new TypeError("root must be 32 bytes");
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new TypeError("key must be 32 bytes");
  const { levels, terminal } = proof;
  if (!Array.isArray(levels) || levels.length > MAX_PROOF_LEVELS) throw bad("too many levels");
  const depth = levels.length;

  let hash: Uint8Array;
  if (terminal.kind === "empty") {
    hash = EMPTY_HASH;
  } else if (terminal.kind === "leaf") {
    if (terminal.key.length !== KEY_BYTES || terminal.valueHash.length !== HASH_BYTES) throw bad("bad leaf");
    // A leaf at depth d holds every key with its first d nibbles: another leaf proves absence only there.
    for (let d = 0; d < depth; d++) {
      if (nibbleAt(terminal.key, d) !== nibbleAt(key, d)) throw bad("the leaf is not on the key's path");
    }
    hash = leafHash(terminal.key, terminal.valueHash);
  } else {
    throw bad("unknown terminal");
  }

  for (let d = depth - 1; d >= 0; d--) {
    const { bitmap, siblings } = levels[d];
    if (!Number.isInteger(bitmap) || bitmap <= 0 || bitmap > 0xffff) throw bad(`bad bitmap at level ${d}`);
    const path = nibbleAt(key, d);
    const onPath = ((bitmap >>> path) & 1) === 1;
    // Only the deepest level may end in an empty slot; above it the path child is a node.
    if (!onPath && (d !== depth - 1 || terminal.kind !== "empty"))
      throw bad(`the path is missing at level ${d}`);
    if (onPath && d === depth - 1 && terminal.kind === "empty") throw bad("an empty end on a present child");
    if (siblings.length !== popcount16(bitmap) - (onPath ? 1 : 0))
      throw bad(`wrong sibling count at level ${d}`);
    const children = new Uint8Array(popcount16(bitmap) * HASH_BYTES);
    let s = 0;
    let at = 0;
    for (let i = 0; i < 16; i++) {
      if (!((bitmap >>> i) & 1)) continue;
      const child = i === path ? hash : siblings[s++];
      if (!(child instanceof Uint8Array) || child.length !== HASH_BYTES)
        throw bad(`bad sibling at level ${d}`);
      children.set(child, at);
      at += HASH_BYTES;
    }
    hash = nodeHash(bitmap, children);
  }

  if (!equalBytes(hash, root)) throw bad("it does not lead to the root");
  if (terminal.kind === "leaf" && equalBytes(terminal.key, key))
    return { included: true, valueHash: terminal.valueHash };
  return { included: false };
}
