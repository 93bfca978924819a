// node/lightclient: the checks a client runs on a node's answers (specs/rpc.md §5).
export {
  type AccountProofJson,
  followKeyBlocks,
  type KeyBlockJson,
  ProofError,
  verifyAccountProof,
} from "./verify.ts";
