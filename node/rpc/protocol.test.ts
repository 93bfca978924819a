import { describe, expect, test } from "vitest";
import { RpcError } from "./errors.ts";
import { MAX_JSON_DEPTH, parseJson, toJson } from "./json.ts";
import { errorText, readEnvelope, resultText } from "./protocol.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("json", () => {
  test("nesting up to the cap is read; one level more is INVALID_REQUEST", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(() => parseJson(bytes(nested(MAX_JSON_DEPTH)))).not.toThrow();
    expect(() => parseJson(bytes(nested(MAX_JSON_DEPTH + 1)))).toThrow(
      expect.objectContaining({ code: -32600, message: expect.stringContaining("nested deeper") }),
    );
    expect(() => parseJson(bytes(`{"a":${nested(MAX_JSON_DEPTH)}}`))).toThrow(RpcError);
  });

  test("invalid UTF-8 and invalid JSON are PARSE_ERROR", () => {
    expect(() => parseJson(new Uint8Array([0xff]))).toThrow(expect.objectContaining({ code: -32700 }));
    expect(() => parseJson(bytes("{'a':1}"))).toThrow(expect.objectContaining({ code: -32700 }));
  });

  test("bigint goes out as a decimal string, bytes as hex, undefined as null", () => {
    expect(toJson({ a: -(2n ** 100n), b: new Uint8Array([1, 255]), c: [1n] })).toBe(
      '{"a":"-1267650600228229401496703205376","b":"01ff","c":["1"]}',
    );
    expect(toJson(undefined)).toBe("null");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJson(cycle)).toThrow(TypeError);
  });
});

describe("envelope", () => {
  test("a request without id is a notification; with id null it is not", () => {
    const read = (v: unknown) => readEnvelope(v, 10);
    expect(read({ jsonrpc: "2.0", method: "m" })).toEqual({
      batch: false,
      entry: { call: { method: "m", params: undefined, id: null, notification: true } },
    });
    expect(read({ jsonrpc: "2.0", method: "m", id: null, params: [1] })).toEqual({
      batch: false,
      entry: { call: { method: "m", params: [1], id: null, notification: false } },
    });
  });

  test("a batch is read element by element; empty or over the cap is refused whole", () => {
    const envelope = readEnvelope([{ jsonrpc: "2.0", method: "m", id: 1 }, 5], 2);
    expect(envelope.batch && envelope.entries.map((e) => ("call" in e ? "call" : e.error.code))).toEqual([
      "call",
      -32600,
    ]);
    expect(() => readEnvelope([], 2)).toThrow(expect.objectContaining({ code: -32600 }));
    expect(() => readEnvelope([1, 2, 3], 2)).toThrow(expect.objectContaining({ code: -32600 }));
  });

  test("response texts", () => {
    expect(resultText(1, 2n)).toBe('{"jsonrpc":"2.0","result":"2","id":1}');
    expect(errorText("a", new RpcError(-32001, "no", { x: 1n }))).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32001,"message":"no","data":{"x":"1"}},"id":"a"}',
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(errorText(null, new RpcError(-32001, "no", cycle))).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32001,"message":"no"},"id":null}',
    );
  });

  test("RpcError refuses codes outside JSON-RPC's and the application range", () => {
    expect(() => new RpcError(-32100, "x")).toThrow(RangeError);
    expect(() => new RpcError(1, "x")).toThrow(RangeError);
    expect(new RpcError(-32099, "x").code).toBe(-32099);
  });
});
