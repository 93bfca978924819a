import { describe, expect, test } from "vitest";
import { parseArg } from "./contract.ts";

describe("gram contract get arguments", () => {
  test("integers, 0x bytes and null become tagged VM values", () => {
    expect(parseArg("42")).toEqual({ int: "42" });
    expect(parseArg("-7")).toEqual({ int: "-7" });
    expect(parseArg("0xABcd")).toEqual({ bytes: "abcd" });
    expect(parseArg("0x")).toEqual({ bytes: "" });
    expect(parseArg("null")).toBe(null);
  });

  test("anything else is a usage error naming the argument", () => {
    for (const bad of ["1.5", "012", "0xabc", "abc", ""]) expect(() => parseArg(bad)).toThrow(/argument/);
  });
});
