// The VM's promise under hostile programs and inputs (vm §3.4, §4.1, §5, §9): over 100,000 random
// programs, random images and mutated contracts, `run` always returns, and the result obeys every
// rule a caller relies on. A sample runs twice on fresh inputs and must give the same result.
// A failure prints the case's kind and seed; `run(makeCase(kind, seed).opts)` replays it.
import { describe, expect, test } from "vitest";
import { type CaseKind, type FuzzCase, makeCase } from "./fuzzGen.testkit.ts";
import { toHex } from "./hex.ts";
import {
  type Action,
  DEFAULT_GAS_CREDIT,
  EXIT,
  MAX_USER_EXIT,
  MIN_USER_EXIT,
  OPCODES,
  RECV_EXTERNAL,
  RECV_INTERNAL,
  type RunResult,
  run,
  showValue,
  VmCodeError,
} from "./index.ts";
import {
  INT_MAX,
  INT_MIN,
  MAX_ACTIONS,
  MAX_KEY_BYTES,
  MAX_STACK,
  MAX_STEPS,
  MAX_TUPLE_ITEMS,
  MAX_VALUE_SIZE,
} from "./limits.ts";
import { loadProgram } from "./program.ts";
import type { Program } from "./programTypes.ts";

const SEED = 0x6a11_0001;
/** Cases per kind; 100,000 in all. */
const COUNTS: Record<CaseKind, number> = { ops: 55_000, bytes: 15_000, mutant: 30_000 };
/** Every this many cases also run a second time, on inputs built afresh. */
const TWICE_EVERY = 50;
const VM_CODES = new Set<number>(Object.values(EXIT));

/** Size units (vm §2.5) of a valid host value, or −1 when it is not one. */
function hostSize(v: unknown, depth = 0): number {
  if (v === null) return 1;
  if (typeof v === "bigint") return v >= INT_MIN && v <= INT_MAX ? 33 : -1;
  if (v instanceof Uint8Array) return v.length + 3 <= MAX_VALUE_SIZE ? 3 + v.length : -1;
  if (!Array.isArray(v) || v.length > MAX_TUPLE_ITEMS || depth > 300) return -1;
  let size = 2;
  for (const x of v) {
    const s = hostSize(x, depth + 1);
    if (s < 0) return -1;
    size += s;
  }
  return size <= MAX_VALUE_SIZE ? size : -1;
}

function actionProblem(a: Action): string | null {
  const amount = (x: bigint) => typeof x === "bigint" && x >= 0n && x < 2n ** 120n;
  switch (a.type) {
    case "send":
      if (!(a.dest instanceof Uint8Array) || a.dest.length !== 36) return "send: dest not 36 bytes";
      if (!amount(a.value) || hostSize(a.body) < 0) return "send: bad value or body";
      if ((a.mode & ~(1 | 2 | 4 | 16 | 32 | 64 | 128)) !== 0 || (a.mode & 64 && a.mode & 128))
        return `send: mode ${a.mode}`;
      if (a.init !== undefined) {
        if (!(a.init.code instanceof Uint8Array)) return "send: init code not bytes";
        let previous: Uint8Array | null = null;
        for (const e of a.init.data) {
          if (!(e.key instanceof Uint8Array) || e.key.length < 1 || e.key.length > MAX_KEY_BYTES)
            return "send: init key";
          if (hostSize(e.value) < 0) return "send: init value";
          // vm §4.11: shorter keys first, then by bytes; strictly ascending.
          const ascending =
            previous === null ||
            previous.length < e.key.length ||
            (previous.length === e.key.length && Buffer.compare(previous, e.key) < 0);
          if (!ascending) return "send: init keys out of order";
          previous = e.key;
        }
      }
      return null;
    case "reserve":
      return amount(a.amount) && Number.isInteger(a.mode) && a.mode >= 0 && a.mode <= 15
        ? null
        : "reserve: bad amount or mode";
    case "setCode":
      return a.code instanceof Uint8Array ? null : "setCode: code not bytes";
    case "event":
      return hostSize(a.data) >= 0 ? null : "event: data not a value";
    default:
      return `unknown action ${JSON.stringify(a)}`;
  }
}

/** Every rule of vm §4.1, §5 and §9 that a result must obey, as the list of those broken. */
function problems(c: FuzzCase, r: RunResult): string[] {
  const out: string[] = [];
  const bad = (cond: boolean, what: string) => {
    if (cond) out.push(what);
  };
  let program: Program | null = null;
  try {
    program = loadProgram(c.image);
  } catch (e) {
    if (!(e instanceof VmCodeError)) out.push(`loadProgram threw ${String(e)}`);
  }
  const { entry, gasLimit } = c.opts;
  const external = entry === RECV_EXTERNAL;
  const readOnly = !external && entry !== RECV_INTERNAL;
  const credit = c.opts.gasCredit ?? DEFAULT_GAS_CREDIT;
  // biome-ignore lint/complexity/useMathMinMax: gas is bigint, which Math does not take
  const inForce = external && !r.accepted ? (credit < gasLimit ? credit : gasLimit) : gasLimit;
  const code = r.exitCode;

  bad(!Number.isInteger(code), `exitCode ${code} not an integer`);
  bad(!VM_CODES.has(code) && (code < MIN_USER_EXIT || code > MAX_USER_EXIT), `exitCode ${code} unknown`);
  bad((code === EXIT.BAD_OPCODE) !== (program === null), "BAD_OPCODE exactly when the image fails to load");
  bad(
    (code === EXIT.NO_ENTRY) !== (program !== null && !program.entries.has(entry)),
    "NO_ENTRY exactly when a loaded program lacks the entry",
  );
  if (code === EXIT.BAD_OPCODE || code === EXIT.NO_ENTRY)
    bad(r.gasUsed !== 0n || r.steps !== 0, "nothing runs before the entry is found");
  bad(typeof r.gasUsed !== "bigint" || r.gasUsed < 0n || r.gasUsed > gasLimit, `gasUsed ${r.gasUsed}`);
  bad(r.gasUsed > inForce, `gasUsed ${r.gasUsed} over the limit in force ${inForce}`);
  if (code === EXIT.OUT_OF_GAS) bad(r.gasUsed !== inForce, `OUT_OF_GAS used ${r.gasUsed}, not ${inForce}`);
  bad(!Number.isInteger(r.steps) || r.steps < 0 || r.steps > MAX_STEPS, `steps ${r.steps}`);
  if (code === EXIT.OK) bad(r.gasUsed < 2n || r.steps < 1, "a successful run executes and pays its RET");
  bad(!external && !r.accepted, "internal messages and get-methods are accepted");
  const empty = r.stack.length === 0 && r.storage.length === 0 && r.actions.length === 0;
  bad(code !== EXIT.OK && !empty, "a failed run returns no stack, storage or actions");
  bad(external && !r.accepted && !empty, "an external run without ACCEPT leaves no trace");
  bad(readOnly && (r.storage.length > 0 || r.actions.length > 0), "a get-method changed storage or acted");
  bad(r.stack.length > MAX_STACK, `stack of ${r.stack.length}`);
  r.stack.forEach((v, i) => {
    bad(hostSize(v) < 0, `stack[${i}] is not a VM value`);
  });
  r.storage.forEach((s, i) => {
    bad(!(s.key instanceof Uint8Array) || s.key.length < 1 || s.key.length > MAX_KEY_BYTES, "storage key");
    bad(s.value !== null && hostSize(s.value) < 0, `storage[${i}] value is not a VM value`);
    if (i > 0) bad(toHex(r.storage[i - 1].key) >= toHex(s.key), "storage changes not sorted by key");
  });
  bad(r.actions.length > MAX_ACTIONS, `${r.actions.length} actions`);
  for (const a of r.actions) {
    const p = actionProblem(a);
    if (p !== null) out.push(p);
  }
  return out;
}

function describeCase(c: FuzzCase): string {
  const credit = c.opts.gasCredit ?? "default";
  return [
    `${c.kind} seed=${c.seed} entry=${c.opts.entry} gasLimit=${c.opts.gasLimit} gasCredit=${credit}`,
    `  image=${toHex(c.image)}`,
    `  stack=[${c.opts.stack.map(showValue).join(" ")}] storage keys=${c.storageEntries}`,
    `  replay: run(makeCase(${JSON.stringify(c.kind)}, ${c.seed}).opts)`,
  ].join("\n");
}

/** The whole result as text: bigints and bytes spelled out, so two runs compare exactly. */
function resultText(r: RunResult): string {
  return JSON.stringify(r, (_k, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `x${toHex(v)}` : v,
  );
}

interface Tally {
  failures: string[];
  exits: Map<number, number>;
  /** Opcodes of the programs that loaded and ran at least one step. */
  ran: Set<number>;
  loaded: number;
}

function fuzz(kind: CaseKind, salt: number): Tally {
  const t: Tally = { failures: [], exits: new Map(), ran: new Set(), loaded: 0 };
  const fail = (c: FuzzCase, why: string) => {
    if (t.failures.length < 10) t.failures.push(`${why}\n${describeCase(c)}`);
    else t.failures.length++;
  };
  for (let i = 0; i < COUNTS[kind]; i++) {
    const seed = (SEED + salt * 1_000_003 + i) >>> 0;
    const c = makeCase(kind, seed);
    let r: RunResult;
    try {
      r = run(c.opts);
    } catch (e) {
      fail(c, `run threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      continue;
    }
    const p = problems(c, r);
    if (p.length > 0) fail(c, p.join("; "));
    t.exits.set(r.exitCode, (t.exits.get(r.exitCode) ?? 0) + 1);
    if (r.exitCode !== EXIT.BAD_OPCODE) t.loaded++;
    if (r.steps > 0) for (const op of loadProgram(c.image).ops) t.ran.add(op);
    if (i % TWICE_EVERY === 0) {
      // Fresh inputs, and a debug sink this time: DUMP may not change anything (vm §4.1).
      const again = makeCase(kind, seed);
      const r2 = run({ ...again.opts, debug: () => {} });
      if (resultText(r2) !== resultText(r))
        fail(c, `second run differs:\n  ${resultText(r)}\n  ${resultText(r2)}`);
    }
  }
  return t;
}

function userExits(t: Tally): number {
  let n = 0;
  for (const [code, k] of t.exits) if (code >= MIN_USER_EXIT) n += k;
  return n;
}

describe("vm fuzz: run returns a lawful result for any program and input", () => {
  test(`${COUNTS.ops} programs of valid instructions, random targets and entries`, () => {
    const t = fuzz("ops", 1);
    expect(t.failures, `${t.failures.length} failing cases`).toEqual([]);
    // Built to load: every one must, or the generator and the loader disagree on vm §3.
    expect(t.loaded).toBe(COUNTS.ops);
    // The cases reach far: most exit codes, user THROWs, successes, every opcode run. The rest
    // (VALUE_TOO_LARGE, ACTION_LIMIT, STEP_LIMIT) need long loops: badInput.test.ts builds them.
    const codes = [...t.exits.keys()].filter((c) => c < MIN_USER_EXIT).sort((a, b) => a - b);
    expect(codes).toEqual(expect.arrayContaining([0, 2, 3, 4, 5, 7, 9, 11, 12, 13]));
    expect(t.exits.get(EXIT.OK) ?? 0).toBeGreaterThan(COUNTS.ops / 20);
    expect(userExits(t)).toBeGreaterThan(100);
    expect(OPCODES.filter((o) => !t.ran.has(o.byte)).map((o) => o.name)).toEqual([]);
  });

  test(`${COUNTS.bytes} images of random bytes after a valid header`, () => {
    const t = fuzz("bytes", 2);
    expect(t.failures, `${t.failures.length} failing cases`).toEqual([]);
    expect(t.exits.get(EXIT.BAD_OPCODE) ?? 0).toBeGreaterThan(COUNTS.bytes / 2);
    expect(t.loaded).toBeGreaterThan(COUNTS.bytes / 50);
  });

  test(`${COUNTS.mutant} mutated images of contracts and random programs`, () => {
    const t = fuzz("mutant", 3);
    expect(t.failures, `${t.failures.length} failing cases`).toEqual([]);
    expect(t.exits.get(EXIT.BAD_OPCODE) ?? 0).toBeGreaterThan(COUNTS.mutant / 10);
    expect(t.loaded).toBeGreaterThan(COUNTS.mutant / 10);
    expect(t.exits.get(EXIT.OK) ?? 0).toBeGreaterThan(100);
  });
});
