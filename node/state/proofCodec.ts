// The wire form of a state proof (state §4.1), for RPC answers and light clients.
import { decode, encode, t } from "../codec/index.ts";
import { MAX_PROOF_LEVELS, type TrieProof } from "./proof.ts";

// StateProof = [levels: [[bitmap u16, siblings bytes32[≤15]]…≤64], terminal: [0] | [1, key, valueHash]]
const ProofLevelSchema = t.struct("ProofLevel", { bitmap: t.u16, siblings: t.list(t.bytes(32), 15) });
export const StateProofSchema = t.struct(
  "StateProof",
  {
    levels: t.list(ProofLevelSchema, MAX_PROOF_LEVELS),
    terminal: t.variant("ProofTerminal", {
      empty: t.struct("EmptyTerminal", {}),
      leaf: t.struct("LeafTerminal", { key: t.bytes(32), valueHash: t.bytes(32) }),
    }),
  },
  { maxBytes: 40 * 1024 },
);

export function encodeProof(proof: TrieProof): Uint8Array {
  return encode(StateProofSchema, proof);
}

/** Throws CodecError on anything but the canonical encoding of a well-formed proof. */
export function decodeProof(bytes: Uint8Array): TrieProof {
  return decode(StateProofSchema, bytes);
}
