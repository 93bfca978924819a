// node/state: the authenticated state every account and contract storage map lives in.
export { StateError, type StateErrorCode } from "./errors.ts";
export { EMPTY_HASH, leafHash, nodeHash, valueHashOf } from "./hashing.ts";
export {
  MAX_PROOF_LEVELS,
  type ProofLevel,
  type ProofResult,
  type ProofTerminal,
  type TrieProof,
  verifyProof,
} from "./proof.ts";
export { decodeProof, encodeProof, StateProofSchema } from "./proofCodec.ts";
export { type LeafOfSet, MAX_SET_LEAVES, rootOfLeaves } from "./setRoot.ts";
export {
  MAX_VALUE_BYTES,
  MerkleTrie,
  type MerkleTrieOptions,
  type PreparedUpdate,
  type TrieChange,
} from "./trie.ts";
