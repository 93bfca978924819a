// A worker thread of the pool: answers each batch with node/crypto's `verify` for its checks, the
// very rule the calling thread would apply (one byte per check: 1 accepted, 0 refused), and with
// `dryRun` for its messages.
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { verify } from "../crypto/index.ts";
import { type DryRunContext, dryRun } from "./dryRun.ts";
import { unpackJob } from "./jobWire.ts";
import type { WireAnswer, WireRun, WorkerReply, WorkerRequest } from "./pool.ts";
import { packCheckGroups, unpackChecks } from "./wire.ts";

const port = parentPort;
if (port === null) throw new Error("node/verifier/worker.ts runs as a worker thread only");

// Below the thread that started it, which it took its nice value from (pool.ts, WORKER_NICENESS).
// setpriority(PRIO_PROCESS, 0, n) sets the calling thread's alone on Linux only; elsewhere it would
// lower the whole node, the block builder with it. Raising one's own nice value needs no rights.
const niceness = (workerData as { niceness?: number } | null)?.niceness ?? 0;
if (process.platform === "linux" && niceness > 0) setPriority(Math.min(19, getPriority() + niceness));

/** Codes and contexts the pool has sent, by its numbers for them. */
const codes = new Map<number, Uint8Array>();
const contexts = new Map<number, DryRunContext>();

function kept<T>(map: Map<number, T>, id: number, sent: T | null, what: string): T {
  if (sent !== null) {
    map.set(id, sent);
    return sent;
  }
  const value = map.get(id);
  if (value === undefined) throw new Error(`no ${what} ${id} was sent`);
  return value;
}

port.on("message", (job: WorkerRequest) => {
  if (job.forget) {
    codes.clear();
    contexts.clear();
  }
  const checks = unpackChecks(job.checks);
  const verdicts = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    verdicts[i] = verify(c.signature, c.message, c.publicKey) ? 1 : 0;
  }
  const runs = job.runs.map((run: WireRun) => {
    try {
      const { codeId, contextId } = run;
      const context = kept(contexts, contextId, run.context, "context");
      const code = codeId < 0 ? null : kept(codes, codeId, run.code, "code");
      return dryRun({ ...unpackJob(run.parts), code, context });
    } catch {
      return null;
    }
  });
  // Every run's accepted checks in one buffer, transferred once.
  const groups = packCheckGroups(runs.map((r) => r?.accepted ?? []));
  const answers = runs.map((r, i): WireAnswer | null =>
    r === null ? null : { outcome: r.outcome, accepted: groups[i] },
  );
  const transfer: ArrayBuffer[] = [verdicts.buffer];
  if (groups.length > 0) transfer.push(groups[0].buffer);
  const reply: WorkerReply = { id: job.id, verdicts, answers };
  port.postMessage(reply, transfer);
});
