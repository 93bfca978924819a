// Named hostile programs (vm §2–§7, §9): each limit of vm §6 is driven past its edge and must end
// the run with its own exit code, inside its gas, as a result and never an exception. Gas figures
// are summed from the table of vm §4.12. Int results are checked against exact bigint arithmetic
// where the VM switches representation (2^53). Host failures are the caller's: they propagate (vm §7).
import { describe, expect, test } from "vitest";
import { Rng } from "./fuzzGen.testkit.ts";
import { assemble, EXIT, encodeProgram, type RunOptions, type RunResult, run } from "./index.ts";
import {
  INT_MAX,
  INT_MIN,
  MAX_ACTIONS,
  MAX_CALL_DEPTH,
  MAX_GAS,
  MAX_STACK,
  MAX_STEPS,
  MAX_TUPLE_DEPTH,
} from "./limits.ts";
import { testHost } from "./testing.ts";
import type { Value } from "./values.ts";

function exec(body: string, opts: Partial<RunOptions> = {}): RunResult {
  const code = assemble(`.entry recv_internal\n${body}\n.entry get\nRET`);
  return run({ code, entry: "recv_internal", host: testHost, gasLimit: 1_000_000n, ...opts });
}

/** A failed run: its code, nothing returned, and gas within the limit (the limit on OUT_OF_GAS). */
function expectFailure(r: RunResult, exitCode: number, gasLimit = 1_000_000n): void {
  expect(r.exitCode).toBe(exitCode);
  expect({ stack: r.stack, storage: r.storage, actions: r.actions }).toEqual({
    stack: [],
    storage: [],
    actions: [],
  });
  if (exitCode === EXIT.OUT_OF_GAS) expect(r.gasUsed).toBe(gasLimit);
  else expect(r.gasUsed <= gasLimit).toBe(true);
}

const hex = (n: number, byte = "ab") => `x"${byte.repeat(n)}"`;

describe("limits of vm §6, each past its edge", () => {
  test("endless recursion ends at 256 frames with CALL_DEPTH", () => {
    const r = exec("f:\nCALL f");
    expectFailure(r, EXIT.CALL_DEPTH);
    // 256 CALLs succeed, the 257th fails after its base gas (vm §9.3): 3 gas each.
    expect(r.steps).toBe(MAX_CALL_DEPTH + 1);
    expect(r.gasUsed).toBe(3n * BigInt(MAX_CALL_DEPTH + 1));
    const mutual = exec("PUSH 1\nCALL a\n.func a\nDUP\nCALL b\n.func b\nDROP\nCALL a");
    expectFailure(mutual, EXIT.CALL_DEPTH);
  });

  test("Bytes doubled by BCAT stop at the value size limit with VALUE_TOO_LARGE", () => {
    const r = exec(`PUSH ${hex(1000)}\nl:\nDUP\nBCAT\nJMP l`);
    expectFailure(r, EXIT.VALUE_TOO_LARGE);
    // 1,000 bytes doubled six times is 64,000; the seventh BCAT would make 128,000.
    expect(r.steps).toBe(1 + 6 * 3 + 2);
  });

  test("a Tuple grown by TPUSH stops at the size limit before its 255 items", () => {
    const r = exec(`TUPLE 0\nl:\nPUSH ${hex(1000)}\nTPUSH\nJMP l`);
    expectFailure(r, EXIT.VALUE_TOO_LARGE);
    // Each item is 1,003 units: 65 fit in 65,536 with the Tuple's 2, the 66th does not.
    expect(r.steps).toBe(1 + 65 * 3 + 2);
  });

  test("a Tuple of 255 items takes no 256th: RANGE", () => {
    expectFailure(exec("TUPLE 0\nl:\nPUSH 1\nTPUSH\nJMP l"), EXIT.RANGE);
    const full = "PUSH 255\nl:\nPUSHNULL\nSWAP\nNEXT l\nTUPLE 255";
    expect(exec(`${full}\nTLEN`).stack).toEqual([255n]);
    expectFailure(exec(`${full}\nPUSHNULL\nTPUSH`), EXIT.RANGE);
  });

  test("nesting by doubling passes the size limit, by single wraps the depth limit: VALUE_TOO_LARGE", () => {
    expectFailure(exec("PUSH 1\nl:\nDUP\nTUPLE 2\nJMP l"), EXIT.VALUE_TOO_LARGE);
    // 256 wraps of a Null make depth 256 (vm §2.4); the 257th fails after its gas is charged.
    const r = exec("PUSHNULL\nl:\nTUPLE 1\nJMP l");
    expectFailure(r, EXIT.VALUE_TOO_LARGE);
    expect(r.steps).toBe(1 + 2 * MAX_TUPLE_DEPTH + 1);
    expect(r.gasUsed).toBe(1n + BigInt(MAX_TUPLE_DEPTH) * (3n + 2n) + 3n);
  });

  test("a Tuple as deep as allowed is returned, hashed, emitted, stored, and read back by the next run", () => {
    const deepest = `PUSHNULL\nPUSH ${MAX_TUPLE_DEPTH}\nl:\nSWAP\nTUPLE 1\nSWAP\nNEXT l`;
    for (const tail of ["", "HASH", "EMIT", 'PUSH x"01"\nSSTORE'])
      expect(exec(`${deepest}\n${tail}`).exitCode, tail).toBe(EXIT.OK);
    const stored = exec(`${deepest}\nPUSH x"01"\nSSTORE`).storage[0].value;
    const next = exec('PUSH x"01"\nSLOAD\nISTUPLE', { storage: { get: () => stored } });
    expect(next.stack).toEqual([-1n]);
    // Tupling it once more is refused, however it is done.
    for (const more of [
      "TUPLE 1",
      "PUSHNULL\nTUPLE 2",
      "TUPLE 0\nSWAP\nTPUSH",
      "PUSH 1\nTUPLE 1\nSWAP\nPUSH 0\nSETINDEXV",
    ])
      expectFailure(exec(`${deepest}\n${more}`), EXIT.VALUE_TOO_LARGE);
  });

  test("TUPLE takes its items before it makes the Tuple: it fits on a full stack, TUPLE 0 does not", () => {
    const stack: Value[] = Array.from({ length: MAX_STACK }, () => 0n);
    const two = exec("TUPLE 2", { stack });
    expect(two.exitCode).toBe(EXIT.OK);
    expect(two.stack).toHaveLength(MAX_STACK - 1);
    expectFailure(exec("TUPLE 0", { stack }), EXIT.STACK_OVERFLOW);
  });

  test("an endless loop with a large gas limit runs out of gas and is charged the whole limit", () => {
    const r = exec("l:\nJMP l", { gasLimit: 10_000_000n });
    expectFailure(r, EXIT.OUT_OF_GAS, 10_000_000n);
    expect(r.steps).toBe(5_000_001);
  });

  test("cheap instructions reach STEP_LIMIT before the gas runs out, whatever the gas", () => {
    // A body of 65,532 NOPs (1 gas) and a JMP back (2 gas): 16,777,216 steps cost 16,777,472.
    const code = assemble(`.entry recv_internal\nl:\n${"NOP\n".repeat(65_532)}JMP l`);
    const nops = (gasLimit: bigint) => run({ code, entry: "recv_internal", host: testHost, gasLimit });
    const full = nops(16_777_472n);
    expectFailure(full, EXIT.STEP_LIMIT, 16_777_472n);
    expect(full.gasUsed).toBe(16_777_472n);
    // One gas less and the last step cannot pay: the step limit is checked first (vm §9.3).
    const short = nops(16_777_471n);
    expectFailure(short, EXIT.OUT_OF_GAS, 16_777_471n);
    expect(short.steps).toBe(MAX_STEPS);
    const jumps = exec("l:\nJMP l", { gasLimit: MAX_GAS });
    expectFailure(jumps, EXIT.STEP_LIMIT, MAX_GAS);
    expect(jumps.gasUsed).toBe(2n * BigInt(MAX_STEPS));
    // The instruction past the limit never started, so it is not counted.
    expect(jumps.steps).toBe(MAX_STEPS);
    expect(full.steps).toBe(MAX_STEPS);
  });

  test("storage floods of large and of many values run out of gas, and nothing is written", () => {
    const big = `PUSH 0\nl:\nINC\nDUP\nPUSH ${hex(1000)}\nSWAP\nPUSH 4\nITOB\nSSTORE\nJMP l`;
    expectFailure(exec(big), EXIT.OUT_OF_GAS);
    const many = "PUSH 0\nl:\nINC\nDUP\nDUP\nPUSH 4\nITOB\nSSTORE\nJMP l";
    const r = exec(many, { gasLimit: 10_000_000n });
    expectFailure(r, EXIT.OUT_OF_GAS, 10_000_000n);
    // Each store of a 4-byte key and an Int: 100 + 10 × (4 + 33) gas, so about 21,000 fit.
    expect(r.steps).toBeGreaterThan(7 * 20_000);
  });

  test("the 256th action is ACTION_LIMIT; 255 are fine", () => {
    const ok = exec(`PUSH ${MAX_ACTIONS}\nl:\nPUSH 1\nEMIT\nNEXT l`);
    expect(ok.exitCode).toBe(EXIT.OK);
    expect(ok.actions).toHaveLength(MAX_ACTIONS);
    expectFailure(exec(`PUSH ${MAX_ACTIONS + 1}\nl:\nPUSH 1\nEMIT\nNEXT l`), EXIT.ACTION_LIMIT);
    const dest = hex(36, "11");
    const sends = `PUSH 300\nl:\nPUSH ${dest}\nPUSH 1\nPUSHNULL\nPUSH 0\nSEND\nNEXT l`;
    expectFailure(exec(sends), EXIT.ACTION_LIMIT);
  });

  test.each([
    ["DUP", "PUSH 1\nl:\nDUP\nJMP l", 2 * MAX_STACK],
    ["PICK", "PUSH 1\nPUSH 2\nl:\nPICK 1\nJMP l", 2 * MAX_STACK - 1],
    ["OVER", "PUSH 1\nPUSH 2\nl:\nOVER\nJMP l", 2 * MAX_STACK - 1],
    ["UNPACK", "PUSH 1\nDUP\nDUP\nTUPLE 3\nl:\nDUP\nUNPACK\nDROP\nROLL 3\nJMP l", -1],
  ])("a %s loop overflows the stack at 1,024 items", (_name, body, steps) => {
    const r = exec(body);
    expectFailure(r, EXIT.STACK_OVERFLOW);
    if (steps > 0) expect(r.steps).toBe(steps);
  });

  test("an initial stack of 1,024 items leaves no room for a push", () => {
    const stack: Value[] = Array.from({ length: MAX_STACK }, (_, i) => BigInt(i));
    expectFailure(exec("PUSH 1", { stack }), EXIT.STACK_OVERFLOW);
    expect(exec("DROP", { stack }).stack).toHaveLength(MAX_STACK - 1);
  });
});

describe("read-only get-methods", () => {
  test.each([
    ["SSTORE", `PUSH 1\nPUSH x"01"\nSSTORE`],
    ["SDEL", `PUSH x"01"\nSDEL`],
    ["EMIT", "PUSH 1\nEMIT"],
    ["SEND", `PUSH ${hex(36, "11")}\nPUSH 1\nPUSHNULL\nPUSH 0\nSEND`],
    ["SENDINIT", `PUSH ${hex(36, "11")}\nPUSH 1\nPUSHNULL\nPUSH 0\nPUSH x"aa"\nTUPLE 0\nTUPLE 2\nSENDINIT`],
    ["RESERVE", "PUSH 1\nPUSH 0\nRESERVE"],
    ["SETCODE", `PUSH x"00"\nSETCODE`],
  ])("%s in a get-method is READ_ONLY", (_name, body) => {
    const code = assemble(`.entry seqno\nPUSH x"01"\nSLOAD\nDROP\n${body}`);
    const r = run({ code, entry: "seqno", host: testHost, gasLimit: 100_000n });
    expectFailure(r, EXIT.READ_ONLY, 100_000n);
  });
});

describe("images that do not load, and entries that do not exist", () => {
  const rawImage = (entries: [string, number][], body: number[]): number[] => {
    const out = [0x47, 0x56, 0x01, entries.length];
    for (const [name, off] of entries)
      out.push(name.length, ...Buffer.from(name, "latin1"), off >> 8, off & 0xff);
    return [...out, body.length >> 8, body.length & 0xff, ...body];
  };
  const withBody = (body: number[]) =>
    rawImage(
      [
        ["recv_external", 0],
        ["recv_internal", 0],
      ],
      body,
    );
  const bad: [string, number[]][] = [
    ["an empty image", []],
    ["a header cut short", [0x47, 0x56, 0x01]],
    ["the wrong magic", [0x47, 0x57, 0x01, 0, 0, 0]],
    ["format version 2", [0x47, 0x56, 0x02, 0, 0, 0]],
    ["an opcode between families (0x13)", withBody([0x13])],
    ["opcode 0xff", withBody([0x00, 0xff])],
    ["a PUSHINT cut off", withBody([0x01, 0x05, 0x00, 0x01])],
    ["a PUSHINT of length 0", withBody([0x01, 0x00])],
    ["a PUSHINT of length 34", withBody([0x01, 34, ...new Array(34).fill(0)])],
    ["a PUSHINT not in its fewest bytes", withBody([0x01, 0x02, 0x00, 0x01])],
    ["a PUSHINT of 2^256", withBody([0x01, 33, 0x01, ...new Array(32).fill(0)])],
    [
      "a PUSHBYTES longer than a value",
      withBody([0x02, 0xff, 0xfe, ...new Array(0xfffe).fill(0)].slice(0, 65_535)),
    ],
    ["THROW 31, a VM code", withBody([0x66, 0x00, 31])],
    ["a jump into an immediate", withBody([0x01, 0x01, 0x07, 0x60, 0x00, 0x02])],
    ["a jump past the end", withBody([0x60, 0x00, 0x04])],
    ["an entry inside an instruction", rawImage([["recv_internal", 1]], [0x01, 0x01, 0x07])],
    ["an entry past the end", rawImage([["recv_internal", 2]], [0x00])],
    [
      "entries out of order",
      rawImage(
        [
          ["recv_internal", 0],
          ["recv_external", 0],
        ],
        [0x00],
      ),
    ],
    [
      "an entry twice",
      rawImage(
        [
          ["recv_internal", 0],
          ["recv_internal", 0],
        ],
        [0x00],
      ),
    ],
    ["an entry name with a dash", rawImage([["recv-internal", 0]], [0x00])],
    ["an empty entry name", rawImage([["", 0]], [0x00])],
    ["a body longer than its length", [...withBody([0x00]), 0x00]],
    ["a body shorter than its length", withBody([0x00, 0x00]).slice(0, -1)],
  ];

  test.each(bad)("%s is BAD_OPCODE with no gas used, for internal and external entries", (_name, bytes) => {
    const code = Uint8Array.from(bytes);
    for (const entry of ["recv_internal", "recv_external", "seqno"]) {
      const r = run({ code, entry, host: testHost, gasLimit: 50_000n });
      expect(r).toEqual({
        exitCode: EXIT.BAD_OPCODE,
        gasUsed: 0n,
        steps: 0,
        accepted: entry !== "recv_external",
        stack: [],
        storage: [],
        actions: [],
      });
    }
  });

  test("the same header with a good body loads and runs, so each image above breaks one rule", () => {
    const good = run({
      code: Uint8Array.from(withBody([0x00])),
      entry: "recv_internal",
      host: testHost,
      gasLimit: 10n,
    });
    expect(good.exitCode).toBe(EXIT.OK);
  });

  test("an entry the program does not have is NO_ENTRY with no gas used", () => {
    const code = assemble(".entry recv_internal\nl:\nJMP l");
    for (const entry of ["recv_external", "seqno", "", "RECV_INTERNAL"]) {
      const r = run({ code, entry, host: testHost, gasLimit: 50_000n });
      expect(r).toMatchObject({ exitCode: EXIT.NO_ENTRY, gasUsed: 0n, steps: 0 });
      expect(r.accepted).toBe(entry !== "recv_external");
    }
    const none = encodeProgram({ entries: [], body: new Uint8Array(0) });
    expect(run({ code: none, entry: "recv_internal", host: testHost, gasLimit: 1n }).exitCode).toBe(
      EXIT.NO_ENTRY,
    );
  });
});

describe("Ints at the 257-bit edges", () => {
  test.each([
    ["MUL", INT_MAX, 2n],
    ["MUL", INT_MIN, -1n],
    ["MUL", 2n ** 128n, 2n ** 128n],
    ["MUL", INT_MIN, 2n],
    ["SHL", 1n, 256n],
    ["SHL", INT_MAX, 1n],
    ["SHL", INT_MIN, 1n],
    ["SHL", -(2n ** 200n) - 1n, 56n],
    ["ADD", INT_MAX, 1n],
    ["ADD", INT_MIN, -1n],
    ["SUB", INT_MIN, 1n],
    ["SUB", 0n, INT_MIN],
    ["DIV", INT_MIN, -1n],
    ["DIV", 1n, 0n],
    ["MOD", 1n, 0n],
  ])("%s of %s and %s overflows", (op, a, b) => {
    expectFailure(exec(`PUSH ${a}\nPUSH ${b}\n${op}`), EXIT.INT_OVERFLOW);
  });

  test.each([
    ["NEG", INT_MIN],
    ["ABS", INT_MIN],
    ["INC", INT_MAX],
    ["DEC", INT_MIN],
  ])("%s of %s overflows", (op, a) => {
    expectFailure(exec(`PUSH ${a}\n${op}`), EXIT.INT_OVERFLOW);
  });

  test.each([
    ["MUL", -(2n ** 128n), 2n ** 128n, INT_MIN],
    ["MUL", INT_MIN, 1n, INT_MIN],
    ["SHL", -1n, 256n, INT_MIN],
    ["SHL", 1n, 255n, 2n ** 255n],
    ["ADD", INT_MAX, INT_MIN, -1n],
    ["DIV", INT_MIN, 1n, INT_MIN],
    ["DIV", INT_MAX, -1n, -INT_MAX],
    ["DIV", INT_MIN, 2n, INT_MIN / 2n],
  ])("%s of %s and %s just fits", (op, a, b, want) => {
    expect(exec(`PUSH ${a}\nPUSH ${b}\n${op}`).stack).toEqual([want]);
  });

  test("NEG of the top edge is one above the bottom edge", () => {
    expect(exec(`PUSH ${INT_MAX}\nNEG`).stack).toEqual([INT_MIN + 1n]);
  });
});

describe("Int arithmetic agrees with exact bigint arithmetic across the number/bigint boundary", () => {
  // Values inside the VM switch between number and bigint at 2^53 (values.ts); chains of
  // operations on edge values check that no path rounds or leaves a non-canonical Int behind.
  const floorDiv = (a: bigint, b: bigint) => (a - floorMod(a, b)) / b;
  const floorMod = (a: bigint, b: bigint) => ((a % b) + b) % b;
  const UNARY: Record<string, (a: bigint) => bigint> = {
    NEG: (a) => -a,
    ABS: (a) => (a < 0n ? -a : a),
    INC: (a) => a + 1n,
    DEC: (a) => a - 1n,
    NOT: (a) => -a - 1n,
  };
  const BINARY: Record<string, (a: bigint, b: bigint) => bigint | null> = {
    ADD: (a, b) => a + b,
    SUB: (a, b) => a - b,
    MUL: (a, b) => a * b,
    DIV: (a, b) => (b === 0n ? null : floorDiv(a, b)),
    MOD: (a, b) => (b === 0n ? null : floorMod(a, b)),
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math does not take
    MIN: (a, b) => (a < b ? a : b),
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math does not take
    MAX: (a, b) => (a > b ? a : b),
    AND: (a, b) => a & b,
    OR: (a, b) => a | b,
    XOR: (a, b) => a ^ b,
    CMP: (a, b) => (a < b ? -1n : a > b ? 1n : 0n),
    EQ: (a, b) => (a === b ? -1n : 0n),
    LT: (a, b) => (a < b ? -1n : 0n),
  };
  const P53 = 2n ** 53n;
  const BASE = [0n, 1n, 2n, 3n, P53 - 2n, P53 - 1n, P53, P53 + 1n, 2n ** 128n, INT_MAX];
  const EDGES = [...BASE, ...BASE.map((x) => -x - 1n), ...BASE.slice(1).map((x) => -x)];
  const inRange = (x: bigint | null) => (x !== null && x <= INT_MAX && x >= INT_MIN ? x : null);

  /** Unary operations applied in turn; null once one overflows. */
  const applyUnary = (x: bigint | null, ops: readonly string[]) =>
    ops.reduce((v, n) => (v === null ? null : inRange(UNARY[n](v))), x);
  /** A tail that exposes an Int left in a non-canonical form by the operation before it. */
  const TAIL = ["NOT", "NEG", "NOT"];

  /** Runs the chain and reports it when the VM disagrees with `want` (null: INT_OVERFLOW). */
  function disagree(asm: string[], want: bigint | null): string | null {
    const got = exec(asm.join("\n"));
    const ok =
      want === null ? got.exitCode === EXIT.INT_OVERFLOW : got.exitCode === 0 && got.stack[0] === want;
    return ok
      ? null
      : `${asm.join("; ")} gave ${got.exitCode} [${got.stack}], want ${want ?? "INT_OVERFLOW"}`;
  }

  test("every chain of three unary operations on every edge value", () => {
    const wrong: string[] = [];
    const names = Object.keys(UNARY);
    for (const x of EDGES)
      for (const a of names)
        for (const b of names)
          for (const c of names) {
            const w = disagree([`PUSH ${x}`, a, b, c], applyUnary(x, [a, b, c]));
            if (w !== null) wrong.push(w);
          }
    expect(wrong).toEqual([]);
  });

  test("every binary operation on every pair of edge values, alone and followed by NOT NEG NOT", () => {
    const wrong: string[] = [];
    for (const [name, f] of Object.entries(BINARY))
      for (const x of EDGES)
        for (const y of EDGES) {
          const want = inRange(f(x, y));
          const tail = applyUnary(want, TAIL);
          for (const w of [
            disagree([`PUSH ${x}`, `PUSH ${y}`, name], want),
            disagree([`PUSH ${x}`, `PUSH ${y}`, name, ...TAIL], tail),
          ])
            if (w !== null) wrong.push(w);
        }
    expect(wrong).toEqual([]);
  });

  test("2,000 random chains of up to six operations, shifts included", () => {
    const r = new Rng(0x1e57);
    const wrong: string[] = [];
    for (let i = 0; i < 2000; i++) {
      let want: bigint | null = r.pick(EDGES);
      const asm = [`PUSH ${want}`];
      for (let k = 1 + r.below(6); k > 0; k--) {
        if (r.chance(15)) {
          const n = BigInt(r.pick([0, 1, 52, 53, 54, 64, 200, 255, 256]));
          const left = r.chance(50);
          asm.push(`PUSH ${n}`, left ? "SHL" : "SHR");
          if (want !== null) want = inRange(left ? want << n : want >> n);
        } else if (r.chance(50)) {
          const name = r.pick(Object.keys(UNARY));
          asm.push(name);
          if (want !== null) want = inRange(UNARY[name](want));
        } else {
          const name = r.pick(Object.keys(BINARY));
          const b = r.pick(EDGES);
          asm.push(`PUSH ${b}`, name);
          if (want !== null) want = inRange(BINARY[name](want, b));
        }
      }
      const w = disagree(asm, want);
      if (w !== null) wrong.push(w);
    }
    expect(wrong).toEqual([]);
  });
});

describe("host failures are the caller's bug (vm §7)", () => {
  const broken = (what: string) => () => {
    throw new Error(`${what} broke`);
  };

  test.each([
    ["sha256", 'PUSH x"00"\nSHA256'],
    ["hashValue", "PUSH 1\nHASH"],
    ["ed25519Verify", `PUSH x""\nPUSH ${hex(64)}\nPUSH ${hex(32)}\nEDVERIFY`],
  ])("a throwing %s propagates out of run, not as an exit code", (name, body) => {
    const host = { ...testHost, [name]: broken(name) };
    expect(() => exec(body, { host })).toThrow(`${name} broke`);
  });

  test("a throwing storage reader or config propagates too", () => {
    expect(() => exec('PUSH x"01"\nSLOAD', { storage: { get: broken("storage") } })).toThrow("storage broke");
    expect(() => exec("PUSH 1\nCONFIG", { context: { config: broken("config") } })).toThrow("config broke");
  });

  test("a storage reader returning what no VM value can be is a RangeError, not an exit code", () => {
    const storage = { get: () => 2n ** 300n };
    expect(() => exec('PUSH x"01"\nSLOAD', { storage })).toThrow(RangeError);
  });
});
