import { createHash } from "node:crypto";
import { describe, expect, expectTypeOf, test } from "vitest";
import { CodecError, decode, decodeViews, encode, hashOf, type Infer, type Schema, t } from "./index.ts";

const Transfer = t.struct("Transfer", {
  from: t.bytes(32),
  to: t.bytes(32),
  amount: t.u64,
  seqno: t.u32,
  comment: t.optional(t.string(120)),
  tags: t.list(t.u8, 4),
});
const Msg = t.variant("Msg", {
  ping: t.struct("Ping", {}),
  pay: t.struct("Pay", { to: t.bytes(4), amount: t.u64 }),
});
const Batch = t.struct("Batch", { messages: t.list(Msg, 8), balances: t.sortedMap(t.string(8), t.i64, 4) });

const transfer = (): Infer<typeof Transfer> => ({
  from: new Uint8Array(32).fill(1),
  to: new Uint8Array(32).fill(2),
  amount: 5_000_000_000n,
  seqno: 7,
  comment: "rent",
  tags: [1, 2],
});

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function codecErrorOf(run: () => unknown): CodecError {
  const error = caught(run);
  expect(error).toBeInstanceOf(CodecError);
  return error as CodecError;
}

describe("encode", () => {
  test("returns a plain Uint8Array that a later encode does not overwrite", () => {
    const first = encode(Transfer, transfer());
    const copy = first.slice();
    encode(Transfer, { ...transfer(), amount: 1n, comment: null });
    expect(first.constructor).toBe(Uint8Array);
    expect(first).toEqual(copy);
  });

  test("writes -0 as 0", () => {
    expect(encode(t.u8, -0)).toEqual(encode(t.u8, 0));
  });

  test("names the path and the value when a value does not fit", () => {
    const wrongType = caught(() => encode(Transfer, { ...transfer(), amount: 5 as unknown as bigint }));
    expect(wrongType).toBeInstanceOf(TypeError);
    expect((wrongType as Error).message).toBe("Transfer.amount: expected a bigint (u64), got 5 (number)");

    const outOfRange = caught(() => encode(Transfer, { ...transfer(), tags: [1, 256] }));
    expect(outOfRange).toBeInstanceOf(RangeError);
    expect((outOfRange as Error).message).toBe("Transfer.tags[1]: u8 must be in 0..255, got 256");

    const nested = caught(() =>
      encode(Batch, {
        messages: [{ kind: "ping" }, { kind: "pay", to: new Uint8Array(4), amount: -1n }],
        balances: [],
      }),
    );
    expect(nested).toBeInstanceOf(RangeError);
    expect((nested as Error).message).toMatch(/^Batch\.messages\[1\]\(pay\)\.amount: /);
  });

  test("refuses missing fields, unknown fields and undefined for an optional", () => {
    const { seqno: _, ...withoutSeqno } = transfer();
    expect(caught(() => encode(Transfer, withoutSeqno as Infer<typeof Transfer>))).toBeInstanceOf(TypeError);
    const extra = caught(() => encode(Transfer, { ...transfer(), memo: "x" } as Infer<typeof Transfer>));
    expect(extra).toBeInstanceOf(RangeError);
    expect((extra as Error).message).toBe('Transfer: unknown field "memo"');
    const undef = caught(() => encode(Transfer, { ...transfer(), comment: undefined as unknown as null }));
    expect((undef as Error).message).toBe("Transfer.comment: expected string(120) or null, got undefined");
  });

  test("refuses an unknown variant kind, unsorted map keys and lone surrogates", () => {
    expect(caught(() => encode(Msg, { kind: "pong" } as unknown as Infer<typeof Msg>))).toBeInstanceOf(
      TypeError,
    );
    const unsorted = caught(() =>
      encode(Batch, {
        messages: [],
        balances: [
          ["b", 1n],
          ["a", 2n],
        ],
      }),
    );
    expect(unsorted).toBeInstanceOf(RangeError);
    expect((unsorted as Error).message).toMatch(/^Batch\.balances: keys must be strictly ascending/);
    expect(caught(() => encode(t.string(10), "a\uD800b"))).toBeInstanceOf(RangeError);
    expect(caught(() => encode(t.string(3), "éé"))).toBeInstanceOf(RangeError);
  });

  test("refuses to produce more bytes than the schema's limit", () => {
    const Small = t.struct("Small", { data: t.varBytes(100) }, { maxBytes: 20 });
    expect(encode(Small, { data: new Uint8Array(17) })).toHaveLength(20);
    expect(caught(() => encode(Small, { data: new Uint8Array(18) }))).toBeInstanceOf(RangeError);
  });

  test("checks its schema argument", () => {
    expect(caught(() => encode({} as typeof t.u8, 1))).toBeInstanceOf(TypeError);
  });
});

describe("decode", () => {
  test("gives back the value, with plain Uint8Arrays that do not alias the input", () => {
    const input = encode(Transfer, transfer());
    const value = decode(Transfer, input);
    expect(value).toEqual(transfer());
    expect(value.from.constructor).toBe(Uint8Array);
    expect(value.from.buffer).not.toBe(input.buffer);
    input.fill(0);
    expect(value.from).toEqual(new Uint8Array(32).fill(1));
  });

  test("reads Buffers and views at an offset, and leaves the input object as it was", () => {
    const bytes = encode(Transfer, transfer());
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    const view = padded.subarray(5, 5 + bytes.length);
    expect(decode(Transfer, view)).toEqual(transfer());
    const fromBuffer = decode(Transfer, Buffer.from(bytes));
    expect(fromBuffer).toEqual(transfer());
    expect(fromBuffer.to.constructor).toBe(Uint8Array);
    expect(Object.keys(view)).toHaveLength(view.length);
  });

  test("decodes a variant as { kind, ...fields }", () => {
    const pay = { kind: "pay" as const, to: Uint8Array.from([1, 2, 3, 4]), amount: 9n };
    expect(decode(Msg, encode(Msg, pay))).toEqual(pay);
    expect(decode(Msg, encode(Msg, { kind: "ping" }))).toEqual({ kind: "ping" });
  });

  test("errors carry a code, a path, the detail and a message joining them", () => {
    const bytes = encode(Batch, {
      messages: [{ kind: "ping" }, { kind: "pay", to: new Uint8Array(4), amount: 7n }],
      balances: [],
    });
    // the amount 7 sits in the last byte before the empty map (90): make it a float64 by hand
    const hex = Buffer.from(bytes).toString("hex");
    expect(hex.endsWith("0790")).toBe(true);
    const floatAmount = Buffer.from(`${hex.slice(0, -4)}cb401c00000000000090`, "hex");
    const error = codecErrorOf(() => decode(Batch, floatAmount));
    expect(error.code).toBe("CODEC_TYPE");
    expect(error.path).toBe("Batch.messages[1](pay).amount");
    expect(error.message).toBe(`${error.path}: ${error.detail}`);
    expect(error.name).toBe("CodecError");

    const range = codecErrorOf(() => decode(Batch, Buffer.from(`${hex.slice(0, -4)}ff90`, "hex")));
    expect(range.code).toBe("CODEC_RANGE");
    expect(range.path).toBe("Batch.messages[1](pay).amount");
  });

  test("names the entry and side of a bad sorted-map key", () => {
    // balances: one entry whose key is an integer instead of a string
    const bytes = Uint8Array.from([0x92, 0x90, 0x91, 0x92, 0x01, 0x02]);
    const error = codecErrorOf(() => decode(Batch, bytes));
    expect(error.code).toBe("CODEC_TYPE");
    expect(error.path).toBe("Batch.balances[0].key");
  });

  test("checks the size before parsing", () => {
    const Small = t.struct("Small", { data: t.varBytes(100) }, { maxBytes: 20 });
    const error = codecErrorOf(() => decode(Small, new Uint8Array(21)));
    expect(error.code).toBe("CODEC_TOO_LARGE");
    expect(codecErrorOf(() => decode(t.varBytes(10), new Uint8Array(1024 * 1024 + 1))).code).toBe(
      "CODEC_TOO_LARGE",
    );
  });

  test("refuses deep nesting and huge declared lengths as malformed, without throwing anything else", () => {
    const deep = new Uint8Array(200_000).fill(0x91);
    expect(["CODEC_MALFORMED", "CODEC_TYPE"]).toContain(
      codecErrorOf(() => decode(t.list(t.u8, 1), deep)).code,
    );
    const huge = Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect(codecErrorOf(() => decode(t.list(t.u8, 1), huge)).code).toBe("CODEC_MALFORMED");
    const hugeBin = Uint8Array.from([0xc6, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect(codecErrorOf(() => decode(t.varBytes(10), hugeBin)).code).toBe("CODEC_MALFORMED");
  });

  test("refuses ext types msgpackr would turn into objects", () => {
    // fixext1 type 0x73 (a Set in msgpackr) holding an array; timestamp ext -1
    for (const hex of ["d47390", "d6ff00000001", "c70100", "d4ff00"]) {
      const error = codecErrorOf(() => decode(t.list(t.u8, 4), Buffer.from(hex, "hex")));
      expect(["CODEC_TYPE", "CODEC_MALFORMED"]).toContain(error.code);
    }
  });

  test("refuses ext types that msgpackr decodes to bytes or bigints as CODEC_TYPE", () => {
    const cases: Array<[Schema<unknown>, string]> = [
      [t.bytes(4), "c7057401aabbccdd"], // ext 0x74: a Uint8Array
      [t.int257, "c702740105"],
      [t.u64, "d5420500"], // ext 0x42: a bigint
    ];
    for (const [schema, hex] of cases) {
      const error = codecErrorOf(() => decode(schema, Buffer.from(hex, "hex")));
      expect(error.code).toBe("CODEC_TYPE");
      expect(error.detail).toMatch(/ext type/);
    }
  });

  test("checks its arguments", () => {
    expect(caught(() => decode(t.u8, [5] as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    expect(caught(() => decode(null as unknown as typeof t.u8, new Uint8Array(1)))).toBeInstanceOf(TypeError);
  });
});

describe("decodeViews", () => {
  test("gives decode's value, with byte strings that are views into its input", () => {
    const bytes = encode(Transfer, transfer());
    const viewed = decodeViews(Transfer, bytes);
    expect(viewed).toEqual(decode(Transfer, bytes));
    expect(viewed.from.buffer).toBe(bytes.buffer);
    expect(decode(Transfer, bytes).from.buffer).not.toBe(bytes.buffer);
  });

  test("refuses what decode refuses", () => {
    const bytes = encode(Transfer, transfer());
    const trailing = new Uint8Array([...bytes, 0]);
    expect(codecErrorOf(() => decodeViews(Transfer, trailing)).code).toBe(
      codecErrorOf(() => decode(Transfer, trailing)).code,
    );
    // 7 as a uint8 (0xcc 0x07) where the canonical form is the fixint.
    const loose = Buffer.from("cc07", "hex");
    expect(codecErrorOf(() => decodeViews(t.u8, loose)).code).toBe(
      codecErrorOf(() => decode(t.u8, loose)).code,
    );
  });
});

describe("hashOf", () => {
  test("is sha256 of the encoding, as a plain 32-byte Uint8Array", () => {
    const hash = hashOf(Transfer, transfer());
    const expected = createHash("sha256").update(encode(Transfer, transfer())).digest();
    expect(hash).toEqual(new Uint8Array(expected));
    expect(hash.constructor).toBe(Uint8Array);
    expect(hashOf(Transfer, { ...transfer(), seqno: 8 })).not.toEqual(hash);
  });
});

describe("schema construction", () => {
  test("refuses bad arguments with TypeError/RangeError", () => {
    expect(() => t.bytes(-1)).toThrow(TypeError);
    expect(() => t.varBytes(1.5)).toThrow(TypeError);
    expect(() => t.list(t.u8, Number.NaN)).toThrow(TypeError);
    expect(() => t.list({} as typeof t.u8, 3)).toThrow(TypeError);
    expect(() => t.struct("bad name", {})).toThrow(TypeError);
    expect(() => t.struct("S", JSON.parse('{"__proto__": 1}'))).toThrow(TypeError);
    expect(() => t.struct("S", { "0": t.u8 })).toThrow(TypeError);
    expect(() => t.struct("S", {}, { maxBytes: 0 })).toThrow(RangeError);
    expect(() => t.optional(t.optional(t.u8))).toThrow(TypeError);
    expect(() => t.variant("V", {})).toThrow(TypeError);
    expect(() => t.variant("V", { a: t.u8 } as never)).toThrow(TypeError);
    expect(() => t.variant("V", { a: t.struct("A", { kind: t.u8 }) })).toThrow(TypeError);
  });

  test("infers the decoded types", () => {
    const decodeTransfer = (bytes: Uint8Array) => decode(Transfer, bytes);
    expectTypeOf(decodeTransfer).returns.toEqualTypeOf<{
      from: Uint8Array;
      to: Uint8Array;
      amount: bigint;
      seqno: number;
      comment: string | null;
      tags: number[];
    }>();
    expectTypeOf<Infer<typeof Msg>>().toEqualTypeOf<
      { kind: "ping" } | { kind: "pay"; to: Uint8Array; amount: bigint }
    >();
    expectTypeOf<Infer<typeof Batch>["balances"]>().toEqualTypeOf<Array<[string, bigint]>>();
    expectTypeOf<Infer<typeof t.int257>>().toEqualTypeOf<bigint>();
  });
});
