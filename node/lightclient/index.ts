// node/lightclient: the checks a client runs on a node's answers (specs/rpc.md §5).
export { type AccountProofJson, ProofError, verifyAccountProof } from "./verify.ts";
