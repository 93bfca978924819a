import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { counterCode } from "../../vm/index.ts";
import { parseArg, parseDataEntry, readContract } from "./contract.ts";
import { parseValue } from "./vmValues.ts";

describe("gram contract get arguments", () => {
  test("integers, 0x bytes and null become tagged VM values", () => {
    expect(parseArg("42")).toEqual({ int: "42" });
    expect(parseArg("-7")).toEqual({ int: "-7" });
    expect(parseArg("0xABcd")).toEqual({ bytes: "abcd" });
    expect(parseArg("0x")).toEqual({ bytes: "" });
    expect(parseArg("null")).toBe(null);
    expect(parseArg('["0x01", "5", [null, 7]]')).toEqual({
      tuple: [{ bytes: "01" }, { int: "5" }, { tuple: [null, { int: "7" }] }],
    });
  });

  test("anything else is a usage error naming the argument", () => {
    for (const bad of ["1.5", "012", "0xabc", "abc", "", "[1.5]", '["x"]', "[", `${1n << 256n}`])
      expect(() => parseArg(bad)).toThrow(/argument/);
  });
});

describe("gram contract deploy inputs", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gram-contract-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("--data is KEY=VALUE with the key in hex", () => {
    expect(parseDataEntry("00=5")).toEqual({ key: Uint8Array.of(0), value: 5n });
    expect(parseDataEntry('0x0102=["0xff", null]')).toEqual({
      key: Uint8Array.of(1, 2),
      value: [Uint8Array.of(0xff), null],
    });
    for (const bad of ["5", "=5", "0=5", "zz=5", `${"00".repeat(129)}=1`])
      expect(() => parseDataEntry(bad)).toThrow(/--data/);
    expect(() => parseDataEntry("00=abc")).toThrow(/--data 00/);
  });

  test("a file of assembly is assembled; a program image is taken as it is", async () => {
    const asm = join(dir, "counter.asm");
    await writeFile(asm, ".entry recv_internal\n  RET\n.entry answer\n  PUSH 42\n  RET\n");
    expect((await readContract(asm))[0]).toBe(0x47);
    const bin = join(dir, "counter.bin");
    await writeFile(bin, counterCode.image);
    expect(await readContract(bin)).toEqual(counterCode.image);
  });

  test("bad files are usage errors that say what is wrong", async () => {
    const bad = join(dir, "bad.asm");
    await writeFile(bad, ".entry recv_internal\n  FROB 1\n");
    await expect(readContract(bad)).rejects.toThrow(/bad\.asm: line 2/);
    const image = join(dir, "broken.bin");
    await writeFile(image, counterCode.image.subarray(0, 10));
    await expect(readContract(image)).rejects.toThrow(/not a valid program/);
    const binary = join(dir, "noise.bin");
    await writeFile(binary, Uint8Array.of(0xff, 0xfe, 0x80));
    await expect(readContract(binary)).rejects.toThrow(/neither a program image nor UTF-8/);
    await expect(readContract(join(dir, "missing.asm"))).rejects.toThrow(/cannot read .*ENOENT/);
  });

  test("values nest as JSON arrays", () => {
    expect(parseValue("[[1, 2], []]")).toEqual([[1n, 2n], []]);
  });
});

describe("values within the VM's limits", () => {
  test("a Tuple over 255 items or a value over 65,536 size units is a usage error naming it", () => {
    expect(() => parseValue(JSON.stringify(Array.from({ length: 256 }, () => 1)), "--body")).toThrow(
      /--body: a Tuple of 256 items/,
    );
    expect(() => parseValue(`0x${"00".repeat(65_534)}`, "--body")).toThrow(/--body is 65537 size units/);
    expect(() =>
      parseDataEntry(`00=[${Array.from({ length: 255 }, () => `"0x${"00".repeat(300)}"`).join(",")}]`),
    ).toThrow(/--data 00 is \d+ size units/);
  });
});
