import { describe, expect, test } from "vitest";
import { vmFromJson, vmToJson } from "./vmJson.ts";

describe("VM values in JSON", () => {
  test("round-trip every kind", () => {
    const v = [5n, -(1n << 255n), Uint8Array.of(1, 255), null, [[]]];
    expect(vmFromJson(vmToJson(v))).toEqual(v);
  });

  test("refuse what the VM cannot hold, naming the path", () => {
    expect(() => vmFromJson({ int: (1n << 256n).toString() })).toThrow(/257-bit/);
    expect(() => vmFromJson({ tuple: [{ int: "1.5" }] })).toThrow(/value\.tuple\[0\]\.int/);
    expect(() => vmFromJson({ bytes: "abc" })).toThrow(/hex/);
    expect(() => vmFromJson({ int: "1", bytes: "00" })).toThrow(/exactly one/);
    let deep: unknown = null;
    for (let i = 0; i < 20; i++) deep = { tuple: [deep] };
    expect(() => vmFromJson(deep)).toThrow(/deeper/);
  });
});
