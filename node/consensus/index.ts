// node/consensus: the BFT agreement of a chain's validator group on each of its blocks
// (specs/consensus.md): messages and their signatures, validator sets, and the pure per-height
// state machine that the node drives over the network and tests drive over a simulated one.
export {
  HeightMachine,
  type HeightOptions,
  type Input,
  type Output,
  ROUNDS_AHEAD,
  type Step,
  type Timeouts,
} from "./machine.ts";
export {
  ChainId,
  Commit,
  CommitSignature,
  type ConsensusSigner,
  commitOf,
  Evidence,
  evidenceError,
  keyConsensusSigner,
  MAX_ROUND,
  PRECOMMIT,
  PREVOTE,
  Proposal,
  proposalShapeError,
  proposalSigningBytes,
  sameChain,
  signProposal,
  signVote,
  Vote,
  type VoteType,
  verifyProposal,
  verifyVote,
  voteShapeError,
  voteSigningBytes,
} from "./messages.ts";
export {
  commitError,
  commitSignatureChecks,
  type Member,
  type SignatureCheck,
  ValidatorSet,
} from "./validatorSet.ts";
export { VoteLog } from "./voteLog.ts";
