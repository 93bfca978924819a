import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { EXIT } from "./exitCodes.ts";
import { BY_BYTE, FAMILIES, OPCODES } from "./opcodes/table.ts";
import { renderOpcodeTable, updateSpec } from "./specTable.ts";

const spec = readFileSync(new URL("../specs/vm.md", import.meta.url), "utf8");

describe("specs/vm.md and the opcode table", () => {
  test("the spec's generated tables are current (run vm/tools/writeSpecTable.ts)", () => {
    expect(updateSpec(spec)).toBe(spec);
  });

  test("every opcode has a row in the spec's table, with its byte and gas", () => {
    for (const o of OPCODES) {
      const row = `| 0x${o.byte.toString(16).padStart(2, "0")} | ${o.name} |`;
      expect(spec).toContain(row);
    }
    expect(renderOpcodeTable().split("\n").length).toBe(OPCODES.length + 2);
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

  test("every exit code is documented", () => {
    for (const [name, code] of Object.entries(EXIT)) expect(spec).toContain(`| ${code} | ${name} |`);
  });
});
