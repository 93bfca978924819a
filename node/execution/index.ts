// node/execution: one transaction at a time (ledger §6): the phases, the action rules, bounces.
export { BOUNCE_TAG, fromVmAddress, toVmAddress } from "../ledger/index.ts";
export {
  type AccountState,
  type CheckResult,
  checkExternal,
  type ExecEnv,
  type ExecResult,
  executeTransaction,
  type Refusal,
} from "./execute.ts";
export { stateInitFromVm } from "./stateInit.ts";
export {
  ACTION_FAIL,
  ActionPhase,
  COMPUTE_SKIPPED,
  ComputePhase,
  PHASE,
  Transaction,
} from "./transaction.ts";
