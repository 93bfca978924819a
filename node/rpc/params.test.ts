import { describe, expect, test } from "vitest";
import { RpcError } from "./errors.ts";
import * as p from "./params.ts";

/** The INVALID_PARAMS error a parser throws for `raw`. */
function refusal(parse: (raw: unknown) => unknown, raw: unknown): { message: string; field: unknown } {
  try {
    parse(raw);
  } catch (err) {
    if (!(err instanceof RpcError) || err.code !== -32602) throw err;
    return { message: err.message, field: (err.data as { field: string }).field };
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe("object", () => {
  const transfer = p.object({
    to: p.hex(32),
    amountNano: p.bigintString({ max: 10n ** 18n }),
    comment: p.optional(p.string({ maxLength: 10 })),
    at: p.optional(p.object({ seqno: p.uint({ max: 100 }) })),
  });
  const to = "0f".repeat(32);

  test("reads known fields and leaves optional ones undefined", () => {
    expect(transfer({ to, amountNano: "15" })).toEqual({
      to: new Uint8Array(32).fill(15),
      amountNano: 15n,
      comment: undefined,
      at: undefined,
    });
    expect(transfer({ to, amountNano: "0", comment: "hi", at: { seqno: 4 } }).at).toEqual({ seqno: 4 });
  });

  test("refuses unknown keys (__proto__ too), missing ones and non-objects, naming the field", () => {
    expect(refusal(transfer, { to, amountNano: "1", x: 1 })).toEqual({
      message: 'invalid params: params: unknown field "x"',
      field: "params",
    });
    expect(refusal(transfer, JSON.parse(`{"to":"${to}","amountNano":"1","__proto__":{}}`)).message).toContain(
      '"__proto__"',
    );
    expect(refusal(transfer, { to })).toEqual({
      message: "invalid params: amountNano: required",
      field: "amountNano",
    });
    expect(refusal(transfer, [to, "1"]).message).toBe(
      "invalid params: params: expected an object, got an array",
    );
    expect(refusal(transfer, undefined).field).toBe("to");
    expect(refusal(transfer, { to, amountNano: "1", at: { seqno: 101 } })).toEqual({
      message: "invalid params: at.seqno: expected an integer in 0..100, got 101",
      field: "at.seqno",
    });
    expect(refusal(transfer, { to, amountNano: "1", comment: null }).field).toBe("comment");
  });

  test("params left out read as {} when every field is optional", () => {
    expect(p.object({ limit: p.optional(p.uint()) })(undefined)).toEqual({ limit: undefined });
  });
});

describe("scalars", () => {
  test("none takes nothing, [] or {}", () => {
    expect([p.none(undefined), p.none([]), p.none({})]).toEqual([undefined, undefined, undefined]);
    expect(refusal(p.none, [1]).message).toBe("invalid params: params: this method takes no params");
  });

  test("string checks type, length and pattern", () => {
    const name = p.string({ minLength: 1, maxLength: 4, pattern: /^[a-z]+$/ });
    expect(name("abc")).toBe("abc");
    expect(refusal(name, "").message).toContain("expected 1..4 characters, got 0");
    expect(refusal(name, "abcde").message).toContain("got 5");
    expect(refusal(name, "AB").message).toContain("does not match");
    expect(refusal(name, 1).message).toContain("expected a string, got a number");
  });

  test("hex takes exactly n bytes of hex digits, either case", () => {
    const h = p.hex(2);
    expect(h("0aFf")).toEqual(new Uint8Array([0x0a, 0xff]));
    for (const bad of ["0aF", "0aFf0", "0x0a", "zzzz", " 0aF"])
      expect(refusal(h, bad).message).toContain("2 bytes");
    expect(refusal(h, 10).message).toContain("got a number");
    expect(refusal(h, "a".repeat(1000)).message).toContain("(1000 characters)");
  });

  test("uint takes integers in range only", () => {
    const u = p.uint({ min: 1, max: 10 });
    expect([u(1), u(10)]).toEqual([1, 10]);
    for (const bad of [0, 11, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "5", -1])
      expect(() => u(bad)).toThrow(RpcError);
    expect(p.uint()(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => p.uint()(2 ** 53)).toThrow(RpcError);
    expect(() => p.uint({ min: -1 })).toThrow(RangeError);
  });

  test("bigintString takes canonical decimal strings in range", () => {
    const amount = p.bigintString({ max: 10n ** 30n });
    expect(amount("1000000000000000000000000000")).toBe(10n ** 27n);
    expect(amount("0")).toBe(0n);
    for (const bad of ["01", "-1", "+1", "1e3", "1.0", "", " 1", "0x10", "1000000000000000000000000000001"]) {
      expect(refusal(amount, bad).message, bad).toContain("decimal integer string");
    }
    expect(refusal(amount, 5).message).toContain("got a number");
    expect(refusal(p.bigintString(), "9".repeat(81)).message).toContain("decimal integer string");
    const signed = p.bigintString({ min: -5n, max: 5n });
    expect(signed("-5")).toBe(-5n);
    for (const bad of ["-0", "-6", "6"]) expect(() => signed(bad)).toThrow(RpcError);
  });

  test("boolean, oneOf and array", () => {
    expect(p.boolean(true)).toBe(true);
    expect(refusal(p.boolean, "true").message).toContain("expected true or false");
    const form = p.oneOf("raw", "friendly");
    expect(form("raw")).toBe("raw");
    expect(refusal(form, "other").message).toContain('expected one of "raw", "friendly"');
    const list = p.array(p.uint(), { maxLength: 2 });
    expect(list([1, 2])).toEqual([1, 2]);
    expect(refusal(list, [1, 2, 3]).message).toContain("at most 2 items");
    expect(refusal(list, [1, "x"]).field).toBe("params[1]");
    expect(refusal(p.object({ ids: list }), { ids: [0, -1] }).field).toBe("ids[1]");
  });
});
