// vmHost against the rules it stands for: hashValue is the codec hash of codec §8 on every
// vector, also when the VM's HASH asks for it; ed25519Verify is crypto §3 on the edge vectors;
// and the VM's odd inputs get an answer, never an exception.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { assemble, EXIT, limits, run, type Value } from "../../vm/index.ts";
import { encode, hashOf, t } from "../codec/index.ts";
import { vmHost } from "./index.ts";

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

type Json = null | { int: string } | { bytes: string } | Json[];
const fromJson = (json: Json): Value =>
  json === null
    ? null
    : Array.isArray(json)
      ? json.map(fromJson)
      : "int" in json
        ? BigInt(json.int)
        : fromHex(json.bytes);

const valueVectors = (
  JSON.parse(readFileSync(new URL("../../specs/vectors/codec/vmValue.json", import.meta.url), "utf8")) as {
    valid: Array<{ value: Json; hex: string; note: string }>;
  }
).valid.map((v) => ({ note: v.note, value: fromJson(v.value), hex: v.hex }));

interface EdgeVector {
  name: string;
  message: string;
  pub_key: string;
  signature: string;
  gram: { verdict: boolean; reason: string | null };
}
const edgeVectors = JSON.parse(
  readFileSync(new URL("../../specs/vectors/crypto/ed25519-gram-edges.json", import.meta.url), "utf8"),
) as EdgeVector[];

/** Runs `body` as recv_internal with vmHost and `stack` on the stack; the result's stack. */
function runWithHost(body: string, stack: Value[] = []): readonly Value[] {
  const code = assemble(`.entry recv_internal\n${body}\n`);
  const result = run({ code, entry: "recv_internal", host: vmHost, stack, gasLimit: 10_000_000n });
  expect(result.exitCode).toBe(EXIT.OK);
  return result.stack;
}

describe("hashValue", () => {
  test.each(valueVectors.map((v) => [v.note, v] as const))("is sha256 of the vector's bytes: %s", (_, v) => {
    expect(toHex(vmHost.hashValue(v.value))).toBe(sha256Hex(fromHex(v.hex)));
    expect(vmHost.hashValue(v.value)).toEqual(hashOf(t.vmValue, v.value));
  });

  test("the VM's HASH of a value on its stack is the codec hash of it", () => {
    const wallet: Value = [
      new Uint8Array(64).fill(7),
      [1n, 1_700_000_000n, 5_000_000_000n, [[new Uint8Array(36).fill(1), 5_000_000_000n, null, 3n]]],
    ];
    const values: Value[] = [wallet, 0n, 2n ** 64n, -(2n ** 256n), new Uint8Array(0), [], [null, [[]]]];
    for (const value of values) {
      expect(runWithHost("HASH", [value])).toEqual([hashOf(t.vmValue, value)]);
    }
  });

  test("the VM's HASH of a Tuple the program nests 256 deep is the codec hash of that value", () => {
    const [hash] = runWithHost(
      "  TUPLE 0\n  PUSH 255\nloop:\n  SWAP\n  TUPLE 1\n  SWAP\n  DEC\n  DUP\n  JMPIF loop\n  DROP\n  HASH",
    );
    let value: Value = [];
    for (let i = 0; i < 255; i++) value = [value];
    expect(hash).toEqual(hashOf(t.vmValue, value));
    expect(toHex(hash as Uint8Array)).toBe(sha256Hex(Uint8Array.from([...new Array(255).fill(0x91), 0x90])));
  });

  test("hashes every value as deep as the VM allows, and refuses one level more as the VM does", () => {
    let deepest: Value = [];
    for (let i = 1; i < limits.MAX_TUPLE_DEPTH; i++) deepest = [deepest];
    const bytes = new Uint8Array(limits.MAX_TUPLE_DEPTH).fill(0x91);
    bytes[limits.MAX_TUPLE_DEPTH - 1] = 0x90;
    expect(toHex(vmHost.hashValue(deepest))).toBe(sha256Hex(bytes));
    expect(() => vmHost.hashValue([deepest])).toThrow(RangeError);
  });

  test("refuses exactly what the VM's limits refuse", () => {
    const items = new Array<Value>(limits.MAX_TUPLE_ITEMS).fill(null);
    expect(vmHost.hashValue(items)).toHaveLength(32);
    expect(() => vmHost.hashValue([...items, null])).toThrow(RangeError);
    expect(vmHost.hashValue(new Uint8Array(limits.MAX_VALUE_SIZE - 3))).toHaveLength(32);
    expect(() => vmHost.hashValue(new Uint8Array(limits.MAX_VALUE_SIZE - 2))).toThrow(RangeError);
    expect(toHex(encode(t.vmValue, limits.INT_MAX))).toBe(`92c3c42100${"ff".repeat(32)}`);
    expect(() => vmHost.hashValue(limits.INT_MAX + 1n)).toThrow(RangeError);
    expect(() => vmHost.hashValue(limits.INT_MIN - 1n)).toThrow(RangeError);
  });
});

describe("sha256", () => {
  test("is SHA-256, through the VM's SHA256 too", () => {
    expect(toHex(vmHost.sha256(new Uint8Array(0)))).toBe(sha256Hex(new Uint8Array(0)));
    const data = Uint8Array.from({ length: 200 }, (_, i) => i);
    expect(runWithHost("SHA256", [data])).toEqual([fromHex(sha256Hex(data))]);
  });
});

describe("ed25519Verify", () => {
  test.each(edgeVectors.map((v) => [v.name, v] as const))("gives crypto §3's verdict: %s", (_, v) => {
    const verdict = vmHost.ed25519Verify(fromHex(v.message), fromHex(v.pub_key), fromHex(v.signature));
    expect(verdict).toBe(v.gram.verdict);
  });

  test("the edge vectors hold both verdicts, so the test above can tell a rule that always answers alike", () => {
    expect(new Set(edgeVectors.map((v) => v.gram.verdict))).toEqual(new Set([true, false]));
  });

  test("the VM's EDVERIFY gets the same verdicts: -1 for true, 0 for false", () => {
    for (const v of edgeVectors) {
      const stack = [fromHex(v.message), fromHex(v.signature), fromHex(v.pub_key)];
      expect(runWithHost("EDVERIFY", stack)).toEqual([v.gram.verdict ? -1n : 0n]);
    }
  });

  test("wrong lengths and arguments that are not bytes are refusals, never exceptions", () => {
    const honest = edgeVectors.find((v) => v.gram.verdict)!;
    const [message, key, signature] = [honest.message, honest.pub_key, honest.signature].map(fromHex);
    expect(vmHost.ed25519Verify(message, key, signature)).toBe(true);
    const odd: Array<[unknown, unknown, unknown]> = [
      [message, key.subarray(0, 31), signature],
      [message, Uint8Array.from([...key, 0]), signature],
      [message, key, signature.subarray(0, 63)],
      [message, key, Uint8Array.from([...signature, 0])],
      [message, new Uint8Array(0), new Uint8Array(0)],
      [new Uint8Array(0), key, signature],
      [null, key, signature],
      [message, "key", signature],
      [message, key, Array.from(signature)],
      [undefined, undefined, undefined],
    ];
    for (const [m, k, s] of odd) {
      expect(vmHost.ed25519Verify(m as Uint8Array, k as Uint8Array, s as Uint8Array)).toBe(false);
    }
  });
});
