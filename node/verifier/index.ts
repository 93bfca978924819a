// node/verifier: ed25519 checks (crypto §3, node/crypto's `verify`) and dry runs of messages
// (chain §7.1) on worker threads.
export {
  type CheckOutcome,
  type DryRunAnswer,
  type DryRunContext,
  type DryRunJob,
  type DryRunOutcome,
  dryRun,
  type EstimateOutcome,
  outcomeOf,
  runExternal,
} from "./dryRun.ts";
export { VerifyPool, type VerifyPoolOptions } from "./pool.ts";
export type { SignatureCheck } from "./wire.ts";
