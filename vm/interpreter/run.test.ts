import { describe, expect, test } from "vitest";
import { assemble } from "../assembler/assemble.ts";
import { EXIT } from "../exitCodes.ts";
import { INT_MAX, INT_MIN, MAX_CALL_DEPTH, MAX_STACK } from "../limits.ts";
import { testHost } from "../testing.ts";
import type { Value } from "../values.ts";
import { type RunOptions, run } from "./run.ts";

function exec(body: string, opts: Partial<RunOptions> = {}) {
  const code = assemble(`.entry recv_internal\n${body}\n.entry get\n  RET\n`);
  return run({ code, entry: "recv_internal", host: testHost, gasLimit: 1_000_000n, ...opts });
}

const b = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

describe("run: results and exit codes", () => {
  test("arithmetic leaves its result on the stack", () => {
    const r = exec("PUSH 2\nPUSH 3\nADD\nPUSH 7\nMUL");
    expect(r.exitCode).toBe(EXIT.OK);
    expect(r.stack).toEqual([35n]);
  });

  test("257-bit bounds: the edges fit, one past overflows", () => {
    expect(exec(`PUSH ${INT_MAX}\nPUSH ${INT_MIN}\nADD`).stack).toEqual([-1n]);
    expect(exec(`PUSH ${INT_MAX}\nINC`).exitCode).toBe(EXIT.INT_OVERFLOW);
    expect(exec(`PUSH ${INT_MIN}\nDEC`).exitCode).toBe(EXIT.INT_OVERFLOW);
    expect(exec(`PUSH ${INT_MIN}\nNEG`).exitCode).toBe(EXIT.INT_OVERFLOW);
    expect(exec(`PUSH ${INT_MIN}\nPUSH -1\nDIV`).exitCode).toBe(EXIT.INT_OVERFLOW);
    expect(exec("PUSH 1\nPUSH 0\nDIV").exitCode).toBe(EXIT.INT_OVERFLOW);
  });

  test("the number fast path and the bigint path agree across 2^53", () => {
    const r = exec(`PUSH ${2 ** 53 - 1}\nINC\nDEC\nPUSH ${2n ** 53n}\nSUB`);
    expect(r.stack).toEqual([-1n]);
    expect(exec(`PUSH ${2 ** 52}\nPUSH ${2 ** 52}\nMUL`).stack).toEqual([2n ** 104n]);
  });

  test("floor division and modulo round toward minus infinity", () => {
    expect(exec("PUSH -7\nPUSH 2\nDIV\nPUSH -7\nPUSH 2\nMOD").stack).toEqual([-4n, 1n]);
    expect(exec("PUSH 7\nPUSH -2\nDIV\nPUSH 7\nPUSH -2\nMOD").stack).toEqual([-4n, -1n]);
  });

  test("stack underflow, type and range", () => {
    expect(exec("ADD").exitCode).toBe(EXIT.STACK_UNDERFLOW);
    expect(exec('PUSH 1\nPUSH x"00"\nADD').exitCode).toBe(EXIT.TYPE);
    expect(exec("PUSH 1\nPUSH 300\nSHL").exitCode).toBe(EXIT.RANGE);
  });

  test("stack overflow past the limit", () => {
    const r = exec("loop:\nPUSH 1\nJMP loop");
    expect(r.exitCode).toBe(EXIT.STACK_OVERFLOW);
    expect(r.steps).toBe(2 * MAX_STACK + 1);
  });

  test("call depth is bounded", () => {
    const r = exec("f:\nCALL f");
    expect(r.exitCode).toBe(EXIT.CALL_DEPTH);
    expect(r.steps).toBe(MAX_CALL_DEPTH + 1);
  });

  test("an endless loop runs out of gas and uses exactly its limit", () => {
    const r = exec("loop:\nJMP loop", { gasLimit: 1001n });
    expect(r.exitCode).toBe(EXIT.OUT_OF_GAS);
    expect(r.gasUsed).toBe(1001n);
  });

  test("THROW carries the user's code; failure returns no stack", () => {
    const r = exec("PUSH 1\nTHROW 77");
    expect(r).toMatchObject({ exitCode: 77, stack: [], actions: [], storage: [] });
    expect(exec("PUSH 0\nTHROWIF 40").exitCode).toBe(EXIT.OK);
    expect(exec("PUSH 0\nTHROWIFNOT 40").exitCode).toBe(40);
  });

  test("an unknown entry and malformed code are results, not exceptions", () => {
    expect(exec("NOP", { entry: "nope" }).exitCode).toBe(EXIT.NO_ENTRY);
    expect(run({ code: b("00"), entry: "x", host: testHost, gasLimit: 10n }).exitCode).toBe(EXIT.BAD_OPCODE);
  });

  test("gas is the sum of base prices", () => {
    // PUSH 1, PUSH 2 (1 each), ADD (2), falling off the end (RET, 2).
    expect(exec("PUSH 1\nPUSH 2\nADD").gasUsed).toBe(1n + 1n + 2n + 2n);
  });

  test("calls and returns", () => {
    const r = exec("PUSH 5\nCALL sq\nRET\n.func sq\nDUP\nMUL\nRET");
    expect(r.stack).toEqual([25n]);
  });

  test("NEXT counts a loop down", () => {
    const r = exec("PUSH 0\nPUSH 10\nloop:\nSWAP\nINC\nSWAP\nNEXT loop");
    expect(r.stack).toEqual([10n]);
  });
});

describe("run: storage, actions, external credit", () => {
  const storage = (m: Record<string, Value>) => ({
    get: (k: Uint8Array) => m[Buffer.from(k).toString("hex")],
  });

  test("writes come back sorted by key; the reader is never written", () => {
    const base: Record<string, Value> = { "02": 5n };
    const r = exec(
      'PUSH x"02"\nSLOAD\nINC\nPUSH x"03"\nSSTORE\nPUSH 9\nPUSH x"01"\nSSTORE\nPUSH x"02"\nSDEL',
      {
        storage: storage(base),
      },
    );
    expect(r.exitCode).toBe(EXIT.OK);
    expect(r.storage).toEqual([
      { key: b("01"), value: 9n },
      { key: b("02"), value: null },
      { key: b("03"), value: 6n },
    ]);
    expect(base).toEqual({ "02": 5n });
  });

  test("a failed run leaves storage and actions empty", () => {
    const r = exec('PUSH 1\nPUSH x"01"\nSSTORE\nPUSH 1\nEMIT\nTHROW 50');
    expect(r).toMatchObject({ exitCode: 50, storage: [], actions: [] });
  });

  test("get-methods read but never write", () => {
    const code = assemble('.entry get\nPUSH x"01"\nSLOAD\nRET\n.entry put\nPUSH 1\nPUSH x"01"\nSSTORE');
    const opts = { code, host: testHost, gasLimit: 10_000n, storage: storage({ "01": 42n }) };
    expect(run({ ...opts, entry: "get" }).stack).toEqual([42n]);
    expect(run({ ...opts, entry: "put" }).exitCode).toBe(EXIT.READ_ONLY);
  });

  test("an external message without ACCEPT leaves no trace", () => {
    const code = assemble('.entry recv_external\nPUSH 1\nPUSH x"01"\nSSTORE');
    const r = run({ code, entry: "recv_external", host: testHost, gasLimit: 100_000n });
    expect(r).toMatchObject({ exitCode: EXIT.OK, accepted: false, storage: [], actions: [] });
  });

  test("an external message must ACCEPT within the credit; after it the bought gas applies", () => {
    const code = assemble(
      ".entry recv_external\nPUSH 500\nloop:\nNEXT loop\nACCEPT\nPUSH 3000\nl2:\nNEXT l2",
    );
    const base = { code, entry: "recv_external", host: testHost, gasLimit: 100_000n };
    const low = run({ ...base, gasCredit: 900n });
    expect(low).toMatchObject({ exitCode: EXIT.OUT_OF_GAS, accepted: false, gasUsed: 900n });
    const ok = run({ ...base, gasCredit: 2000n });
    expect(ok).toMatchObject({ exitCode: EXIT.OK, accepted: true });
    expect(ok.gasUsed > 2000n).toBe(true);
  });

  test("stopAtAccept ends an external run at ACCEPT, as a success; other runs never stop there", () => {
    const code = assemble(
      '.entry recv_external\nPUSH 1\nPUSH x"01"\nSSTORE\nACCEPT\nPUSH 9\nEMIT\nTHROW 40\n' +
        ".entry recv_internal\nACCEPT\nPUSH 9\nEMIT",
    );
    const base = { code, host: testHost, gasLimit: 100_000n };
    const whole = run({ ...base, entry: "recv_external" });
    expect(whole).toMatchObject({ exitCode: 40, accepted: true });
    const stopped = run({ ...base, entry: "recv_external", stopAtAccept: true });
    expect(stopped).toMatchObject({ exitCode: EXIT.OK, accepted: true, actions: [] });
    expect(stopped.storage).toEqual([{ key: b("01"), value: 1n }]);
    expect(stopped.gasUsed < whole.gasUsed).toBe(true);
    // Without ACCEPT there is nothing to stop at: the run is refused as it would be anyway.
    const never = assemble(".entry recv_external\nPUSH 1\nDROP");
    expect(run({ ...base, code: never, entry: "recv_external", stopAtAccept: true }).accepted).toBe(false);
    // An internal message is accepted from the start; its ACCEPT does nothing and the run goes on.
    const internal = run({ ...base, entry: "recv_internal", stopAtAccept: true });
    expect(internal.actions).toEqual([{ type: "event", data: 9n }]);
  });

  test("actions: send, reserve, set code, event", () => {
    const dest = "11".repeat(36);
    const r = exec(
      `PUSH x"${dest}"\nPUSH 1000\nPUSH 7\nPUSH 1\nSEND\nPUSH 5\nPUSH 0\nRESERVE\nPUSH x"ab"\nSETCODE\nPUSH 9\nEMIT`,
    );
    expect(r.exitCode).toBe(EXIT.OK);
    expect(r.actions).toEqual([
      { type: "send", dest: b(dest), value: 1000n, body: 7n, mode: 1 },
      { type: "reserve", amount: 5n, mode: 0 },
      { type: "setCode", code: b("ab") },
      { type: "event", data: 9n },
    ]);
    expect(exec(`PUSH x"${dest}"\nPUSH 1\nPUSH 7\nPUSH 192\nSEND`).exitCode).toBe(EXIT.RANGE);
  });

  test("DUMP reaches the sink and changes neither gas nor results", () => {
    const lines: string[] = [];
    const withDump = exec('PUSH 1\nPUSH x"ab"\nDUMP\nDROP', { debug: (l) => lines.push(l) });
    const without = exec('PUSH 1\nPUSH x"ab"\nDUMP\nDROP');
    expect(lines).toEqual(['[1 x"ab"]']);
    expect(withDump).toEqual(without);
  });

  test("host bugs are rethrown, not turned into exit codes", () => {
    const bad = {
      ...testHost,
      sha256: () => {
        throw new Error("host broke");
      },
    };
    expect(() => exec('PUSH x"00"\nSHA256', { host: bad })).toThrow("host broke");
  });

  test("misuse throws TypeError/RangeError naming the argument", () => {
    expect(() => exec("NOP", { gasLimit: 5 as unknown as bigint })).toThrow(/gasLimit/);
    expect(() => exec("NOP", { gasLimit: -1n })).toThrow(RangeError);
    expect(() => exec("NOP", { stack: [1 as unknown as bigint] })).toThrow(/stack\[0\]/);
  });
});
