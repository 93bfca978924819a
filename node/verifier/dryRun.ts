// A message's dry run (chain §7.1, step 8) as a worker does it: the account, its code and storage
// and the message come in as plain data, `executeTransaction` runs them with the rule of crypto §3
// checked inline, and the result goes back with the signature checks the rule accepted, which the
// calling thread's caching host then keeps for the block. It is the run the calling thread would
// make, on another core.
import type { Value } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { type ExecEnv, type ExecResult, executeTransaction } from "../execution/index.ts";
import type { Account, LedgerAddress, Message } from "../ledger/index.ts";
import { type SignatureCheck, vmHost } from "../vmhost/index.ts";

export interface DryRunJob {
  address: LedgerAddress;
  account: Account | null;
  code: Uint8Array | null;
  /** The contract's storage: each key's hex and its value. */
  storage: [string, Value][];
  message: Message;
  env: Omit<ExecEnv, "host" | "config">;
  /** The config parameters contracts read (chain §3.4). */
  config: [bigint, Value][];
}

export interface DryRunAnswer {
  result: ExecResult;
  /** The checks the run's EDVERIFYs passed. */
  accepted: SignatureCheck[];
}

export function dryRun(job: DryRunJob): DryRunAnswer {
  const accepted: SignatureCheck[] = [];
  const items = new Map(job.storage);
  const params = new Map(job.config);
  const result = executeTransaction(
    {
      address: job.address,
      account: job.account,
      code: job.code,
      storage: { get: (k) => items.get(toHex(k)) },
    },
    job.message,
    {
      ...job.env,
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
  return { result, accepted };
}
