// A verification thread: answers each batch of checks with node/crypto's `verify`, the very rule
// the main thread would apply, one byte per check (1 accepted, 0 refused).
import { parentPort } from "node:worker_threads";
import { verify } from "../crypto/index.ts";
import { unpackChecks } from "./wire.ts";

const port = parentPort;
if (port === null) throw new Error("node/verifier/worker.ts runs as a worker thread only");
port.on("message", (job: { id: number; checks: Uint8Array }) => {
  const checks = unpackChecks(job.checks);
  const verdicts = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    verdicts[i] = verify(c.signature, c.message, c.publicKey) ? 1 : 0;
  }
  port.postMessage({ id: job.id, verdicts }, [verdicts.buffer]);
});
