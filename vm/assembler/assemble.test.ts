import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { AsmError } from "../errors.ts";
import { OPCODES } from "../opcodes/table.ts";
import { loadProgram } from "../program.ts";
import { assemble } from "./assemble.ts";
import { disassemble } from "./disassemble.ts";

function asmError(text: string): AsmError {
  try {
    assemble(text);
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw e;
  }
  throw new Error("assembled without error");
}

describe("assemble", () => {
  test("labels, functions, constants, comments and PUSH", () => {
    const img = assemble(
      [
        "; a comment line",
        ".const LIMIT 3",
        '.const KEY x"01"',
        ".entry recv_internal",
        "  PUSH LIMIT        ; Int constant",
        "  PUSH KEY",
        "loop: DROP",
        "  CALL helper",
        "  JMPIF loop",
        "  RET",
        ".func helper",
        '  push "a;b"       ; a string with a semicolon',
        "  RET",
      ].join("\n"),
    );
    const p = loadProgram(img);
    expect(p.entryNames).toEqual(["recv_internal"]);
    expect(p.consts).toEqual([3, Uint8Array.of(1), new TextEncoder().encode("a;b")]);
  });

  test("entries are sorted in the image whatever their order in the text", () => {
    const a = assemble(".entry seqno\nRET\n.entry recv_internal\nRET");
    expect(loadProgram(a).entryNames).toEqual(["recv_internal", "seqno"]);
  });

  test.each([
    ["FOO", 1, "ASM_UNKNOWN_OP", "unknown instruction FOO"],
    ["NOP\nJMP nowhere", 2, "ASM_UNKNOWN_NAME", "unknown label nowhere"],
    ["NOP\nNOP\nPUSH MISSING", 3, "ASM_UNKNOWN_NAME", "unknown constant MISSING"],
    ["a:\na:", 2, "ASM_DUPLICATE", "a defined twice"],
    ["PICK 256", 1, "ASM_BAD_OPERAND", "PICK needs an Int in 0..255"],
    ["THROW 5", 1, "ASM_BAD_OPERAND", "exit code in 32..65535"],
    ["ADD 1", 1, "ASM_BAD_OPERAND", "ADD takes no operand"],
    ["PUSH", 1, "ASM_BAD_OPERAND", "PUSH needs"],
    [`PUSH ${2n ** 256n}`, 1, "ASM_BAD_OPERAND", "PUSHINT needs an Int of 257 bits"],
    ['PUSH x"0"', 1, "ASM_BAD_OPERAND", "bad hex"],
    [".weird", 1, "ASM_SYNTAX", "unknown directive .weird"],
    [".entry 9bad", 1, "ASM_SYNTAX", ".entry needs a name"],
    [".const X", 1, "ASM_SYNTAX", ".const needs a name and a value"],
  ])("%j fails on line %i (%s)", (text, line, code, message) => {
    const e = asmError(text);
    expect(e.line).toBe(line);
    expect(e.code).toBe(code);
    expect(e.message).toContain(`line ${line}: `);
    expect(e.message).toContain(message);
  });

  test("misuse throws TypeError", () => {
    expect(() => assemble(5 as unknown as string)).toThrow(TypeError);
  });
});

/** A random well-formed program: instructions with valid immediates, targets to any instruction. */
const programText = fc
  .array(
    fc.record({
      op: fc.constantFrom(...OPCODES),
      int: fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n - 1n }),
      small: fc.integer({ min: 0, max: 255 }),
      exit: fc.integer({ min: 32, max: 65535 }),
      bytes: fc.uint8Array({ maxLength: 40 }),
      target: fc.nat(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .chain((ins) =>
    fc.subarray(ins.map((_, i) => i)).map((entryAt) => {
      const lines: string[] = [];
      ins.forEach((x, i) => {
        if (entryAt.includes(i)) lines.push(`.entry e${i}`);
        const operand =
          x.op.imm === "int"
            ? ` ${x.int}`
            : x.op.imm === "bytes"
              ? ` x"${Buffer.from(x.bytes).toString("hex")}"`
              : x.op.imm === "u8" || x.op.imm === "u16"
                ? ` ${x.small}`
                : x.op.imm === "exit"
                  ? ` ${x.exit}`
                  : x.op.imm === "target"
                    ? ` t${x.target % (ins.length + 1)}`
                    : "";
        lines.push(`t${i}: ${x.op.name}${operand}`);
      });
      lines.push(`t${ins.length}:`);
      return lines.join("\n");
    }),
  );

describe("disassemble", () => {
  test("assemble(disassemble(image)) is the image itself, for random programs", () => {
    fc.assert(
      fc.property(programText, (text) => {
        const img = assemble(text);
        const back = assemble(disassemble(img));
        expect(back).toEqual(img);
        expect(disassemble(back)).toBe(disassemble(img));
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  test("prints labels for targets and entries by name", () => {
    const text = disassemble(assemble(".entry recv_internal\nl: PUSH 1\nJMPIF l\nJMP end\nend:"));
    expect(text).toBe(".entry recv_internal\nL0:\n  PUSHINT 1\n  JMPIF L0\n  JMP L9\nL9:\n");
  });
});
