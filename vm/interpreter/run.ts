// The interpreter (vm §4, §5): one loop that charges base gas, checks the static stack effect and
// dispatches through the opcode table. Traps end the run as a result; any other exception is a
// host bug and is rethrown (STYLE "errors — four kinds").
import { VmCodeError, VmTrap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import type { Host, RunContext, StorageReader } from "../host.ts";
import { EMPTY_STORAGE } from "../host.ts";
import { MAX_GAS, MAX_STACK } from "../limits.ts";
import { loadProgram } from "../program.ts";
import type { Program } from "../programTypes.ts";
import type { RunResult, StorageChange } from "../result.ts";
import { type Item, toItem, toValue, type Value } from "../values.ts";
import { execute } from "./execute.ts";
import { Machine } from "./machine.ts";

/** The gas an external message may spend before ACCEPT (vm §4.1), unless the caller says otherwise. */
export const DEFAULT_GAS_CREDIT = 10_000n;
export const RECV_INTERNAL = "recv_internal";
export const RECV_EXTERNAL = "recv_external";

export interface RunOptions {
  /** A program image (vm §3) or one already loaded with `loadProgram`. */
  code: Uint8Array | Program;
  /** `recv_internal`, `recv_external`, or the name of a get-method (read-only). */
  entry: string;
  /** The initial stack, bottom first: the message body for receivers, arguments for get-methods. */
  stack?: readonly Value[];
  host: Host;
  storage?: StorageReader;
  context?: Partial<RunContext>;
  /** Gas bought for this run. */
  gasLimit: bigint;
  /** For `recv_external`: the gas it may use before ACCEPT. */
  gasCredit?: bigint;
  /** Receives DUMP output; never affects gas or results. */
  debug?: (line: string) => void;
  /**
   * For `recv_external`: end the run, as a success, when ACCEPT executes (vm §4.1). What follows
   * ACCEPT is not run; a node's check of a message (chain §7.1) needs only whether it comes.
   */
  stopAtAccept?: boolean;
}

const ZERO32 = new Uint8Array(32);
const ZERO36 = new Uint8Array(36);

function fail(exitCode: number, gasUsed: bigint, accepted: boolean, steps = 0): RunResult {
  return { exitCode, gasUsed, steps, accepted, stack: [], storage: [], actions: [] };
}

function checkBig(v: unknown, what: string): bigint {
  if (typeof v !== "bigint") throw new TypeError(`${what}: expected a bigint, got ${typeof v}`);
  return v;
}

function checkBytes(v: unknown, what: string, len: number): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== len)
    throw new TypeError(`${what}: expected a Uint8Array of ${len} bytes`);
  return v.slice();
}

function makeContext(c: Partial<RunContext> | undefined): RunContext {
  const ctx = c ?? {};
  const sender = ctx.sender ?? null;
  const config = ctx.config ?? (() => null);
  if (typeof config !== "function") throw new TypeError("context.config: expected a function");
  return {
    address: checkBytes(ctx.address ?? ZERO36, "context.address", 36),
    balance: checkBig(ctx.balance ?? 0n, "context.balance"),
    msgValue: checkBig(ctx.msgValue ?? 0n, "context.msgValue"),
    sender: sender === null ? null : checkBytes(sender, "context.sender", 36),
    now: checkBig(ctx.now ?? 0n, "context.now"),
    lt: checkBig(ctx.lt ?? 0n, "context.lt"),
    seed: checkBytes(ctx.seed ?? ZERO32, "context.seed", 32),
    config,
  };
}

function checkContextInts(ctx: RunContext): void {
  for (const [k, v] of [
    ["balance", ctx.balance],
    ["msgValue", ctx.msgValue],
    ["now", ctx.now],
    ["lt", ctx.lt],
  ] as const) {
    if (v < 0n || v >= 1n << 128n) throw new RangeError(`context.${k}: ${v} is outside 0..2^128−1`);
  }
}

/** Runs one entry point of a program. Never throws for anything the program or its input does. */
export function run(opts: RunOptions): RunResult {
  return runWith(opts, execute);
}

/** `run` with another dispatch loop: tests hold the inline fast paths to the plain table loop. */
export function runWith(opts: RunOptions, loop: (m: Machine) => void): RunResult {
  if (typeof opts !== "object" || opts === null) throw new TypeError("run: expected options");
  const gasLimit = checkBig(opts.gasLimit, "gasLimit");
  if (gasLimit < 0n || gasLimit > MAX_GAS)
    throw new RangeError(`gasLimit: ${gasLimit} is outside 0..${MAX_GAS}`);
  const credit = checkBig(opts.gasCredit ?? DEFAULT_GAS_CREDIT, "gasCredit");
  if (credit < 0n || credit > MAX_GAS) throw new RangeError(`gasCredit: ${credit} is outside 0..${MAX_GAS}`);
  if (typeof opts.entry !== "string") throw new TypeError("entry: expected a string");
  const host = opts.host;
  if (
    typeof host?.sha256 !== "function" ||
    typeof host.ed25519Verify !== "function" ||
    typeof host.hashValue !== "function"
  )
    throw new TypeError("host: expected sha256, ed25519Verify and hashValue");
  const ctx = makeContext(opts.context);
  checkContextInts(ctx);
  const inStack: Item[] = (opts.stack ?? []).map((v, i) => toItem(v, `stack[${i}]`));
  if (inStack.length > MAX_STACK) throw new RangeError(`stack: more than ${MAX_STACK} items`);
  const storage: StorageReader = opts.storage ?? EMPTY_STORAGE;
  if (typeof storage.get !== "function") throw new TypeError("storage: expected get(key)");
  if (opts.debug !== undefined && typeof opts.debug !== "function")
    throw new TypeError("debug: expected a function");

  const external = opts.entry === RECV_EXTERNAL;
  const readOnly = !external && opts.entry !== RECV_INTERNAL;
  let program: Program;
  if (opts.code instanceof Uint8Array) {
    try {
      program = loadProgram(opts.code);
    } catch (e) {
      if (e instanceof VmCodeError) return fail(EXIT.BAD_OPCODE, 0n, !external);
      throw e;
    }
  } else if (typeof opts.code === "object" && opts.code !== null && opts.code.ops instanceof Uint8Array) {
    program = opts.code;
  } else throw new TypeError("code: expected a Uint8Array or a loaded Program");

  const start = program.entries.get(opts.entry);
  if (start === undefined) return fail(EXIT.NO_ENTRY, 0n, !external);

  const m = new Machine({
    program,
    host,
    ctx,
    storage,
    debug: opts.debug,
    readOnly,
    gasLimit: Number(gasLimit),
    gasCredit: external ? Number(credit) : null,
    stopAtAccept: external && opts.stopAtAccept === true,
  });
  for (const v of inStack) m.stack.push(v);
  m.pc = start;

  let exitCode: number = EXIT.OK;
  try {
    loop(m);
  } catch (e) {
    if (!(e instanceof VmTrap)) throw e;
    exitCode = e.exitCode;
  }
  const gasUsed = exitCode === EXIT.OUT_OF_GAS ? m.gasLimit : m.gasLimit - m.gasLeft;
  if (!m.accepted) return fail(exitCode, BigInt(gasUsed), false, m.steps);
  if (exitCode !== EXIT.OK) return fail(exitCode, BigInt(gasUsed), true, m.steps);
  return {
    exitCode,
    gasUsed: BigInt(gasUsed),
    steps: m.steps,
    accepted: true,
    stack: m.stack.map(toValue),
    storage: readOnly ? [] : storageChanges(m),
    actions: m.actions,
  };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function storageChanges(m: Machine): StorageChange[] {
  const out: StorageChange[] = [];
  for (const s of m.slots.values()) if (s.written) out.push({ key: s.key.slice(), value: toValue(s.value) });
  return out.sort((a, b) => compareBytes(a.key, b.key));
}
