// A worker thread of the pool: answers each batch with node/crypto's `verify` for its checks, the
// very rule the calling thread would apply (one byte per check: 1 accepted, 0 refused), and with
// `dryRun` for its messages.
import { parentPort } from "node:worker_threads";
import { verify } from "../crypto/index.ts";
import { type DryRunAnswer, dryRun } from "./dryRun.ts";
import type { WireRun, WorkerReply, WorkerRequest } from "./pool.ts";
import { unpackChecks } from "./wire.ts";

const port = parentPort;
if (port === null) throw new Error("node/verifier/worker.ts runs as a worker thread only");
/** Codes the pool has sent, by its number for them. */
const codes = new Map<number, Uint8Array>();

function codeOf(run: WireRun): Uint8Array | null {
  if (run.codeId < 0) return null;
  if (run.code !== null) {
    codes.set(run.codeId, run.code);
    return run.code;
  }
  const code = codes.get(run.codeId);
  if (code === undefined) throw new Error(`no code ${run.codeId} was sent`);
  return code;
}

port.on("message", (job: WorkerRequest) => {
  if (job.forget) codes.clear();
  const checks = unpackChecks(job.checks);
  const verdicts = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    verdicts[i] = verify(c.signature, c.message, c.publicKey) ? 1 : 0;
  }
  const answers = job.runs.map((run): DryRunAnswer | null => {
    try {
      return dryRun({ ...run, code: codeOf(run) });
    } catch {
      return null;
    }
  });
  const reply: WorkerReply = { id: job.id, verdicts, answers };
  port.postMessage(reply, [verdicts.buffer]);
});
