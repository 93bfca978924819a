import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { EXIT } from "./exitCodes.ts";
import { BY_BYTE, FAMILIES, OPCODES } from "./opcodes/table.ts";
import {
  EXIT_BEGIN,
  EXIT_END,
  parseTable,
  renderExitTable,
  renderOpcodeTable,
  TABLE_BEGIN,
  TABLE_END,
} from "./specTable.ts";

const spec = readFileSync(new URL("../specs/vm.md", import.meta.url), "utf8");
const wrap = (begin: string, body: string, end: string) => `${begin}\n${body}\n${end}`;

describe("specs/vm.md and the opcode table", () => {
  test("the spec's opcode table is the interpreter's (run vm/tools/writeSpecTable.ts)", () => {
    const mine = parseTable(wrap(TABLE_BEGIN, renderOpcodeTable(), TABLE_END), TABLE_BEGIN, TABLE_END);
    expect(parseTable(spec, TABLE_BEGIN, TABLE_END)).toEqual(mine);
    expect(mine.length).toBe(OPCODES.length + 1);
  });

  test("the spec's exit codes are the interpreter's", () => {
    const mine = parseTable(wrap(EXIT_BEGIN, renderExitTable(), EXIT_END), EXIT_BEGIN, EXIT_END);
    expect(parseTable(spec, EXIT_BEGIN, EXIT_END)).toEqual(mine);
    for (const [name, code] of Object.entries(EXIT)) expect(mine).toContainEqual([String(code), name]);
  });

  test("the table is complete: one row per byte, families as the spec names them", () => {
    expect(OPCODES.length).toBe(BY_BYTE.filter((x) => x !== undefined).length);
    expect(FAMILIES.map((f) => f.name)).toEqual([
      "stack",
      "arithmetic",
      "bits",
      "bytes",
      "tuples",
      "control",
      "crypto",
      "storage",
      "context",
      "actions",
    ]);
    for (const o of OPCODES) {
      expect(o.gas).toBeGreaterThanOrEqual(0);
      expect(o.doc.length).toBeGreaterThan(0);
    }
  });
});
