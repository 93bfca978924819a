import { describe, expect, test } from "vitest";
import { createOutput, formatTable, toJson } from "./index.ts";

const sink = () => {
  let text = "";
  return { write: (s: string) => (text += s), text: () => text };
};

describe("cli/output", () => {
  test("--json prints exactly one JSON object, bigints as decimal strings", () => {
    const out = sink();
    createOutput(out, true).result({ nano: 2n ** 64n - 1n, n: 3, list: [1n] }, () => "human");
    expect(out.text()).toBe('{"nano":"18446744073709551615","n":3,"list":["1"]}\n');
    expect(JSON.parse(out.text())).toEqual({ nano: "18446744073709551615", n: 3, list: ["1"] });
  });

  test("without --json the human text is printed, ending in one newline", () => {
    const out = sink();
    createOutput(out, false).result({ a: 1 }, () => "hello");
    expect(out.text()).toBe("hello\n");
  });

  test("a second result is a bug", () => {
    const output = createOutput(sink(), true);
    output.result({}, () => "");
    expect(() => output.result({}, () => "")).toThrow(/one result/);
  });

  test("toJson leaves other values alone", () => {
    expect(toJson({ s: "x", b: true, z: null })).toBe('{"s":"x","b":true,"z":null}');
  });

  test("formatTable aligns columns and does not pad the last", () => {
    expect(
      formatTable([
        ["a", "bb", "c"],
        ["ccc", "d", "e"],
      ]),
    ).toBe("a    bb  c\nccc  d   e");
  });
});
