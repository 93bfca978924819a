// The record of one transaction (ledger §6): what each phase did, so an explorer, a wallet or a
// bounced sender can tell what happened and why. Its hash identifies the transaction.
import { type Infer, t } from "../codec/index.ts";
import { LedgerAddress } from "../ledger/index.ts";

/** Why a compute phase did not run (ledger §6.4). */
export const COMPUTE_SKIPPED = { NO_CODE: 0, FROZEN: 1, BAD_BODY: 2 } as const;
/** The phase a bounce names (ledger §6.6). */
export const PHASE = { COMPUTE: 1, ACTION: 2 } as const;

export const ComputePhase = t.variant("ComputePhase", {
  skipped: t.struct("ComputeSkipped", { reason: t.u8 }),
  vm: t.struct("ComputeVm", { success: t.bool, exitCode: t.u32, gasUsed: t.u64, gasFee: t.u64 }),
});
export type ComputePhase = Infer<typeof ComputePhase>;

export const ActionPhase = t.struct("ActionPhase", {
  success: t.bool,
  /** 0, or why the action numbered `failedAction` failed (ACTION_FAIL). */
  resultCode: t.u32,
  failedAction: t.u16,
  actions: t.u16,
  messagesSent: t.u16,
  fwdFees: t.u64,
});
export type ActionPhase = Infer<typeof ActionPhase>;

export const Transaction = t.struct("Transaction", {
  account: LedgerAddress,
  lt: t.u64,
  now: t.u64,
  prevTxHash: t.bytes(32),
  inMsg: t.bytes(32),
  outMsgs: t.list(t.bytes(32), 256),
  storageFee: t.u64,
  credit: t.u64,
  compute: ComputePhase,
  action: t.optional(ActionPhase),
  bounced: t.bool,
  totalFees: t.u64,
  endBalance: t.u64,
});
export type Transaction = Infer<typeof Transaction>;

/** Why an action failed (ActionPhase.resultCode). */
export const ACTION_FAIL = {
  NOT_ENOUGH_BALANCE: 1,
  BAD_DESTINATION: 2,
  BAD_CODE: 3,
  VALUE_TOO_LARGE: 4,
  BAD_RESERVE: 5,
  /** A SENDINIT whose init is not the destination's (its address is not the hash of the init). */
  BAD_INIT: 6,
} as const;
