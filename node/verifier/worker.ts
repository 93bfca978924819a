// A worker thread of the pool: answers each batch with node/crypto's `verify` for its checks, the
// very rule the calling thread would apply (one byte per check: 1 accepted, 0 refused), and with
// `dryRun` for its messages.
import { parentPort } from "node:worker_threads";
import { verify } from "../crypto/index.ts";
import { type DryRunAnswer, dryRun } from "./dryRun.ts";
import type { WorkerReply, WorkerRequest } from "./pool.ts";
import { unpackChecks } from "./wire.ts";

const port = parentPort;
if (port === null) throw new Error("node/verifier/worker.ts runs as a worker thread only");
port.on("message", (job: WorkerRequest) => {
  const checks = unpackChecks(job.checks);
  const verdicts = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    verdicts[i] = verify(c.signature, c.message, c.publicKey) ? 1 : 0;
  }
  const answers = job.runs.map((run): DryRunAnswer | null => {
    try {
      return dryRun(run);
    } catch {
      return null;
    }
  });
  const reply: WorkerReply = { id: job.id, verdicts, answers };
  port.postMessage(reply, [verdicts.buffer]);
});
