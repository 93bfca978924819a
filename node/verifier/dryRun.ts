// A message's dry run (chain §7.1, step 8) as a worker does it: the account, its code and storage
// and the message's bytes come in as plain data, `executeTransaction` runs them with the rule of
// crypto §3 checked inline, and what the caller needs back is the run's outcome (the mempool's
// verdict, a fee estimate) and the signature checks the rule accepted, which the calling
// thread's caching host then keeps for the block. The whole transaction stays on the worker:
// cloning it back cost the calling thread more than the rest of the answer.
import type { Value } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { decodeViews } from "../codec/index.ts";
import {
  type AccountState,
  type CheckResult,
  checkExternal,
  type ExecEnv,
  type ExecResult,
  executeTransaction,
  type Refusal,
} from "../execution/index.ts";
import { type Account, type Fees, type LedgerAddress, Message } from "../ledger/index.ts";
import { type SignatureCheck, vmHost } from "../vmhost/index.ts";

/** What every run under one config shares; a worker is sent it once and keeps it. */
export interface DryRunContext {
  fees: Fees;
  /** The config parameters contracts read (chain §3.4). */
  config: [bigint, Value][];
}

export interface DryRunJob {
  address: LedgerAddress;
  account: Account | null;
  code: Uint8Array | null;
  /** The contract's storage: each key's hex and its value. */
  storage: [string, Value][];
  /** The external message's canonical encoding (codec §5), decoded where the run is. */
  message: Uint8Array;
  env: Omit<ExecEnv, "host" | "config" | "fees">;
  context: DryRunContext;
  /** Run only up to the contract's ACCEPT (the mempool's check), or the whole transaction (a fee estimate). */
  upTo: "accept" | "end";
  /**
   * The canonical encodings of `account` and of each storage value, when the caller holds them:
   * a worker's job carries them as they are instead of encoding them again (jobWire.ts).
   */
  encoded?: { account: Uint8Array | null; storage: Array<{ key: Uint8Array; value: Uint8Array }> };
}

/**
 * What a dry run tells its caller: refused, accepted (a run up to ACCEPT), or done (a whole run,
 * whose fields rpc §2.12 reports as a fee estimate).
 */
export type DryRunOutcome =
  | { kind: "refused"; reason: Refusal; exitCode: number | null }
  | { kind: "accepted"; gasUsed: bigint }
  | {
      kind: "done";
      /** Everything the account would pay: rent, gas, forwarding. */
      fees: bigint;
      gasUsed: bigint;
      /** The compute phase's exit code; null when the VM did not run. */
      exitCode: number | null;
      fwdFees: bigint;
      outMessages: number;
    };

/** What a run up to ACCEPT can say, and what a whole run can. */
export type CheckOutcome = Extract<DryRunOutcome, { kind: "refused" | "accepted" }>;
export type EstimateOutcome = Extract<DryRunOutcome, { kind: "refused" | "done" }>;

export interface DryRunAnswer {
  outcome: DryRunOutcome;
  /** The checks the run's EDVERIFYs passed. */
  accepted: SignatureCheck[];
}

export function outcomeOf(result: ExecResult | CheckResult): DryRunOutcome {
  if (result.kind === "refused") return { kind: "refused", reason: result.reason, exitCode: result.exitCode };
  if (result.kind === "accepted") return result;
  const { compute, action } = result.transaction;
  return {
    kind: "done",
    fees: result.fees,
    gasUsed: compute.kind === "vm" ? compute.gasUsed : 0n,
    exitCode: compute.kind === "vm" ? compute.exitCode : null,
    fwdFees: action?.fwdFees ?? 0n,
    outMessages: result.outMessages.length,
  };
}

/**
 * The transaction of an external message, run up to the contract's ACCEPT or to its end, as a dry
 * run reports it: what a worker runs and what the calling thread runs without one.
 */
export function runExternal(
  upTo: DryRunJob["upTo"],
  state: AccountState,
  message: Extract<Message, { kind: "externalIn" }>,
  env: ExecEnv,
): DryRunOutcome {
  return outcomeOf(
    upTo === "accept" ? checkExternal(state, message, env) : executeTransaction(state, message, env),
  );
}

export function dryRun(job: DryRunJob): DryRunAnswer {
  // Views into the job's bytes, which outlive the run.
  const message = decodeViews(Message, job.message);
  if (message.kind !== "externalIn") throw new TypeError("a dry run takes an external inbound message");
  const accepted: SignatureCheck[] = [];
  const items = new Map(job.storage);
  const params = new Map(job.context.config);
  const outcome = runExternal(
    job.upTo,
    {
      address: job.address,
      account: job.account,
      code: job.code,
      storage: { get: (k) => items.get(toHex(k)) },
    },
    message,
    {
      ...job.env,
      fees: job.context.fees,
      config: (id) => params.get(id) ?? null,
      host: {
        sha256: vmHost.sha256,
        hashValue: vmHost.hashValue,
        ed25519Verify(message, publicKey, signature) {
          const ok = vmHost.ed25519Verify(message, publicKey, signature);
          // The VM may reuse its arrays after the call: the check keeps copies.
          if (ok)
            accepted.push({
              message: message.slice(),
              publicKey: publicKey.slice(),
              signature: signature.slice(),
            });
          return ok;
        },
      },
    },
  );
  return { outcome, accepted };
}
