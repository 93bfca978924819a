import { describe, expect, test } from "vitest";
import { assemble, EXIT, run, walletCode } from "../../vm/index.ts";
import { vmHost } from "../vmhost/index.ts";
import { programOf } from "./programs.ts";

describe("programOf", () => {
  test("loads an image once and hands back the same program for the same array", () => {
    const code = walletCode.image.slice();
    const first = programOf(code);
    expect(first).not.toBeInstanceOf(Uint8Array);
    expect(programOf(code)).toBe(first);
  });

  test("a run with the kept program is the run with the bytes", () => {
    const code = assemble(".entry recv_internal\n  PUSH 2\n  PUSH 3\n  ADD\n");
    const opts = { entry: "recv_internal", host: vmHost, gasLimit: 10_000n };
    expect(run({ ...opts, code: programOf(code) })).toEqual(run({ ...opts, code }));
  });

  test("bytes that do not load go to the VM as bytes, which reports BAD_OPCODE", () => {
    const bad = Uint8Array.of(1, 2, 3);
    expect(programOf(bad)).toBe(bad);
    expect(programOf(bad)).toBe(bad);
    expect(
      run({ code: programOf(bad), entry: "recv_internal", host: vmHost, gasLimit: 1_000n }).exitCode,
    ).toBe(EXIT.BAD_OPCODE);
  });

  test("an array changed after loading is loaded again, never answered from the old bytes", () => {
    const code = assemble(".entry recv_internal\n  PUSH 2\n");
    const before = programOf(code);
    code.fill(0);
    const after = programOf(code);
    expect(after).toBe(code);
    expect(after).not.toBe(before);
  });
});
