// ed25519 checks and whole dry runs of messages on worker threads: an ed25519 verification costs
// about 100 µs and a wallet's dry run a further 50, most of a transfer's cost on the thread that
// runs everything else, so the node asks the other cores. A worker answers with node/crypto's
// `verify` and node/execution's `executeTransaction` themselves, so an answer is the one the
// calling thread would have reached. Work asked for in the same turn of the event loop travels
// together. A worker that dies has its work done on the calling thread and is replaced, up to a
// few times in a row; close() does what is still pending the same way and ends every worker.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Arena } from "../bytes/index.ts";
import { verify } from "../crypto/index.ts";
import {
  type DryRunAnswer,
  type DryRunContext,
  type DryRunJob,
  type DryRunOutcome,
  dryRun,
} from "./dryRun.ts";
import { packJob } from "./jobWire.ts";
import { packChecks, type SignatureCheck, unpackChecks } from "./wire.ts";

export interface VerifyPoolOptions {
  /** Worker threads; by default one fewer than the cores, and at least one. */
  threads?: number;
  /** Most checks and dry runs in one message to a worker. */
  maxBatch?: number;
  /** The worker's script: tests hand in one that fails. */
  workerUrl?: URL;
  /** A worker failed (its work is done here regardless). */
  onWorkerError?: (error: unknown) => void;
  /**
   * How far below the calling thread the workers run, in nice steps (Linux keeps a nice value per
   * thread): 0 to 19, default WORKER_NICENESS. Elsewhere the workers keep the node's priority.
   */
  niceness?: number;
}

/**
 * Workers run below the calling thread's priority. The thread that builds blocks is the node's
 * one serial path; under the transfer load it was ready to run but waiting for a core 31% of the
 * time (its schedstat), behind the workers, V8's collector threads and LevelDB. At nice 5 the
 * scheduler gives it three times a worker's share when both are ready: blocks go first, and
 * checks of new messages wait, which is also what a node short of CPU should do. Measured
 * 3,494 → 3,724 transfers/s (alternating pairs); 12 did no better than 5.
 */
export const WORKER_NICENESS = 5;

type Job =
  | { kind: "checks"; checks: readonly SignatureCheck[]; resolve: (verdicts: boolean[]) => void }
  | {
      kind: "run";
      run: DryRunJob;
      resolve: (answer: DryRunAnswer) => void;
      reject: (error: unknown) => void;
    };

/**
 * A dry run as a worker is sent it. Most runs share one of a few programs and all share the
 * chain's config: a worker is sent each code and each context once under a number (`codeId`, −1
 * for no code; `contextId`) and keeps it, and later runs name it with `code` or `context` null,
 * which saves copying it with every job.
 */
export type WireRun = {
  /** The rest of the job, packed by jobWire.ts. */
  parts: Uint8Array;
  code: Uint8Array | null;
  codeId: number;
  context: DryRunContext | null;
  contextId: number;
};

/** A dry run's answer as it travels back: the checks it passed packed in one buffer. */
export interface WireAnswer {
  outcome: DryRunOutcome;
  accepted: Uint8Array;
}

/** What a worker is sent: the checks of a batch packed, and its dry runs (each packed by jobWire.ts). */
export interface WorkerRequest {
  id: number;
  checks: Uint8Array;
  runs: WireRun[];
  /** Drop the codes and contexts kept so far before these runs (a count of them reached its cap). */
  forget: boolean;
}

export interface WorkerReply {
  id: number;
  verdicts: Uint8Array;
  /** null: the run threw, and is done again here to throw the same error on this thread. */
  answers: (WireAnswer | null)[];
}

const sizeOf = (job: Job) => (job.kind === "checks" ? job.checks.length : 1);

interface Batch {
  jobs: Job[];
  size: number;
}

interface Slot {
  worker: Worker | null;
  batches: Map<number, Batch>;
  load: number;
  /** Deaths since the last answer: past MAX_FAILURES the slot stays empty. */
  failures: number;
  /** The code and context numbers its worker keeps. */
  codes: Set<number>;
  contexts: Set<number>;
}

const MAX_FAILURES = 3;
/** Most codes a worker keeps; past it the worker forgets them all and is sent them again. */
const MAX_KEPT_CODES = 256;
/** Most contexts a worker keeps: one per config the chain has had since the worker started. */
const MAX_KEPT_CONTEXTS = 4;
const WORKER_URL = new URL("./worker.ts", import.meta.url);

/** Jobs answered on the calling thread and by workers, for tests and metrics. */
interface Answered {
  here: number;
  workers: number;
}

function here(job: Job, answered: Answered): void {
  answered.here++;
  if (job.kind === "checks") job.resolve(job.checks.map((c) => verify(c.signature, c.message, c.publicKey)));
  else {
    try {
      job.resolve(dryRun(job.run));
    } catch (e) {
      job.reject(e);
    }
  }
}

export class VerifyPool {
  readonly threads: number;
  readonly #maxBatch: number;
  readonly #url: URL;
  readonly #onError: (error: unknown) => void;
  readonly #niceness: number;
  readonly #slots: Slot[] = [];
  #queue: Job[] = [];
  #flushing = false;
  #nextId = 1;
  #started = false;
  #closed = false;
  /** Code arrays by identity: the chain hands the same array for the same code hash. */
  readonly #codeIds = new Numbering<Uint8Array>();
  /** Contexts by identity: the chain hands one object per config. */
  readonly #contextIds = new Numbering<DryRunContext>();
  readonly #answered: Answered = { here: 0, workers: 0 };

  constructor(options: VerifyPoolOptions = {}) {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isSafeInteger(threads) || threads < 0) throw new RangeError(`threads: ${threads}`);
    const maxBatch = options.maxBatch ?? 256;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch: ${maxBatch}`);
    this.threads = threads;
    this.#maxBatch = maxBatch;
    this.#url = options.workerUrl ?? WORKER_URL;
    this.#onError = options.onWorkerError ?? (() => {});
    const niceness = options.niceness ?? WORKER_NICENESS;
    if (!Number.isSafeInteger(niceness) || niceness < 0 || niceness > 19)
      throw new RangeError(`niceness: ${niceness}, expected 0 to 19`);
    this.#niceness = niceness;
    // Workers start with the first check: a node that is sent nothing pays no thread for them.
    for (let i = 0; i < threads; i++)
      this.#slots.push({
        worker: null,
        batches: new Map(),
        load: 0,
        failures: 0,
        codes: new Set(),
        contexts: new Set(),
      });
  }

  /** How many jobs workers answered and how many were answered on this thread (no worker, or it died). */
  get answered(): Readonly<Answered> {
    return { ...this.#answered };
  }

  /** Live worker threads (none before the first check). */
  get live(): number {
    return this.#slots.filter((s) => s.worker !== null).length;
  }

  /**
   * `verify(signature, message, publicKey)` of each check, in order. Work asked for in one
   * event-loop turn goes out together; `now` sends it at once, for a caller that does not yield
   * (a round's run, chain §4.7).
   */
  verify(checks: readonly SignatureCheck[], options: { now?: boolean } = {}): Promise<boolean[]> {
    if (!Array.isArray(checks)) throw new TypeError("checks: expected an array");
    for (const c of checks) {
      if (
        !(c?.message instanceof Uint8Array) ||
        !(c.publicKey instanceof Uint8Array) ||
        !(c.signature instanceof Uint8Array)
      )
        throw new TypeError("checks: each check needs message, publicKey and signature as Uint8Arrays");
    }
    if (checks.length === 0) return Promise.resolve([]);
    const answers = new Promise<boolean[]>((resolve) =>
      this.#ask({ kind: "checks", checks: checks.slice(), resolve }),
    );
    if (options.now === true && this.#flushing) this.#flush();
    return answers;
  }

  /** `dryRun(job)` on a worker: the result of the run and the signature checks it passed. */
  run(job: DryRunJob): Promise<DryRunAnswer> {
    return new Promise((resolve, reject) => this.#ask({ kind: "run", run: job, resolve, reject }));
  }

  #ask(job: Job): void {
    if (!this.#started && !this.#closed) {
      this.#started = true;
      for (const slot of this.#slots) this.#spawn(slot);
    }
    if (this.#closed || !this.#slots.some((s) => s.worker !== null)) {
      here(job, this.#answered);
      return;
    }
    this.#queue.push(job);
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Ends every worker; work still pending is done on this thread first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    const ending: Promise<unknown>[] = [];
    for (const slot of this.#slots) {
      const worker = slot.worker;
      slot.worker = null;
      this.#answerHere(slot);
      if (worker !== null) ending.push(worker.terminate());
    }
    await Promise.all(ending);
  }

  #flush(): void {
    this.#flushing = false;
    const queue = this.#queue;
    this.#queue = [];
    let batch: Batch = { jobs: [], size: 0 };
    const send = () => {
      if (batch.size > 0) this.#send(batch);
      batch = { jobs: [], size: 0 };
    };
    for (const job of queue) {
      if (batch.size > 0 && batch.size + sizeOf(job) > this.#maxBatch) send();
      batch.jobs.push(job);
      batch.size += sizeOf(job);
    }
    send();
  }

  #send(whole: Batch): void {
    let slot: Slot | null = null;
    for (const s of this.#slots) if (s.worker !== null && (slot === null || s.load < slot.load)) slot = s;
    if (this.#closed || slot === null || slot.worker === null) {
      for (const job of whole.jobs) here(job, this.#answered);
      return;
    }
    // Each run travels packed (jobWire.ts); one that will not pack is answered here, where the
    // run says what is wrong with it.
    // Runs are carved from chunks of this batch's own (a chunk is detached once sent): an array
    // of its own per run was one more buffer off V8's heap per message and one more transfer.
    const packed = new Map<Job, Uint8Array<ArrayBuffer>>();
    const chunks = new Arena(64 * 1024);
    const unpackable: Job[] = [];
    const batch: Batch = { jobs: [], size: 0 };
    for (const job of whole.jobs) {
      if (job.kind === "run") {
        try {
          packed.set(
            job,
            packJob(job.run, (n) => chunks.carve(n)),
          );
        } catch {
          unpackable.push(job);
          continue;
        }
      }
      batch.jobs.push(job);
      batch.size += sizeOf(job);
    }
    for (const job of unpackable) here(job, this.#answered);
    if (batch.jobs.length === 0) return;
    const id = this.#nextId++;
    const checks = packChecks(batch.jobs.flatMap((j) => (j.kind === "checks" ? j.checks : [])));
    // −1: no code (or not a run).
    const ids = batch.jobs.map((j) =>
      j.kind === "run" && j.run.code !== null ? this.#codeIds.of(j.run.code) : -1,
    );
    const contextIds = batch.jobs.map((j) => (j.kind === "run" ? this.#contextIds.of(j.run.context) : -1));
    // Past a cap the worker drops every code and context first, and this batch sends its own whole.
    const forget =
      slot.codes.size + unknown(ids, slot.codes) > MAX_KEPT_CODES ||
      slot.contexts.size + unknown(contextIds, slot.contexts) > MAX_KEPT_CONTEXTS;
    if (forget) {
      slot.codes.clear();
      slot.contexts.clear();
    }
    const runs: WireRun[] = [];
    const transfer: ArrayBuffer[] = [checks.buffer, ...new Set([...packed.values()].map((p) => p.buffer))];
    batch.jobs.forEach((job, i) => {
      if (job.kind !== "run") return;
      const { code, context } = job.run;
      const codeId = ids[i];
      const contextId = contextIds[i];
      const codeKept = codeId < 0 || slot.codes.has(codeId);
      const contextKept = slot.contexts.has(contextId);
      if (codeId >= 0) slot.codes.add(codeId);
      slot.contexts.add(contextId);
      const parts = packed.get(job)!;
      runs.push({
        parts,
        code: codeKept ? null : code,
        codeId,
        context: contextKept ? null : context,
        contextId,
      });
    });
    slot.batches.set(id, batch);
    slot.load += batch.size;
    if (slot.batches.size === 1) slot.worker.ref();
    const request: WorkerRequest = { id, checks, runs, forget };
    slot.worker.postMessage(request, transfer);
  }

  #spawn(slot: Slot): void {
    const worker = new Worker(this.#url, { workerData: { niceness: this.#niceness } });
    slot.worker = worker;
    // A new worker keeps nothing yet.
    slot.codes = new Set();
    slot.contexts = new Set();
    // An idle pool never keeps the process alive; one with checks out does (#send refs it).
    worker.unref();
    worker.on("message", (reply: WorkerReply) => {
      const batch = slot.batches.get(reply.id);
      if (batch === undefined) return;
      slot.batches.delete(reply.id);
      slot.load -= batch.size;
      slot.failures = 0;
      if (slot.batches.size === 0) worker.unref();
      let at = 0;
      let run = 0;
      for (const job of batch.jobs) {
        if (job.kind === "run") {
          const answer = reply.answers[run++];
          if (answer === null) here(job, this.#answered);
          else {
            this.#answered.workers++;
            job.resolve({ outcome: answer.outcome, accepted: unpackChecks(answer.accepted) });
          }
          continue;
        }
        const verdicts: boolean[] = [];
        for (let i = 0; i < job.checks.length; i++) verdicts.push(reply.verdicts[at++] === 1);
        this.#answered.workers++;
        job.resolve(verdicts);
      }
    });
    worker.on("error", (e) => this.#onError(e));
    worker.on("exit", () => {
      if (slot.worker !== worker) return; // closed, or already replaced
      slot.worker = null;
      this.#answerHere(slot);
      if (this.#closed) return;
      slot.failures++;
      if (slot.failures < MAX_FAILURES) {
        this.#onError(new Error(`a verification worker stopped (${slot.failures} in a row)`));
        this.#spawn(slot);
      } else
        this.#onError(
          new Error(
            `a verification worker stopped ${slot.failures} times in a row; its share of the checks now runs on the main thread`,
          ),
        );
    });
  }

  /** Answers a slot's outstanding checks on this thread. */
  #answerHere(slot: Slot): void {
    const batches = [...slot.batches.values()];
    slot.batches.clear();
    slot.load = 0;
    for (const batch of batches) for (const job of batch.jobs) here(job, this.#answered);
  }
}

/** How many of `ids` (−1: none) a worker does not keep yet. */
function unknown(ids: readonly number[], kept: ReadonlySet<number>): number {
  let n = 0;
  for (const id of new Set(ids)) if (id >= 0 && !kept.has(id)) n++;
  return n;
}

/** The numbers objects travel under to a worker, by identity, never reused. */
class Numbering<T extends object> {
  readonly #ids = new WeakMap<T, number>();
  #next = 0;

  of(value: T): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(value, id);
    }
    return id;
  }
}
