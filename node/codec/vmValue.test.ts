// t.vmValue (codec §8): its bytes against msgpackr as a second writer, the limits of vm §2.5 at
// their edges, values nested as deep as the size rule allows, and the refusals of §8.4–8.6.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CodecError, decode, encode, hashOf, t, type VmValue } from "./index.ts";
import { VM_VALUE_MAX_BYTES } from "./vmLimits.ts";
import { type VmValueJson, vmInt, vmValueArb, vmValueFromJson, vmValueToWire } from "./vmValueTesting.ts";
import { packWire, unpackFirst } from "./wire.ts";

const SEED = 60_513;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replaceAll(" ", ""), "hex"));

function refusal(bytes: Uint8Array): CodecError {
  try {
    decode(t.vmValue, bytes);
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error(`accepted ${hex(bytes)}`);
}

/** `depth` Tuples of one item around an empty Tuple: 2 × (depth + 1) size units. */
function nested(depth: number): VmValue {
  let v: VmValue = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe("the encoding", () => {
  test("the examples of codec §8.2", () => {
    const cases: Array<[VmValue, string]> = [
      [null, "c0"],
      [0n, "00"],
      [-1n, "ff"],
      [2n ** 63n, "cf 80 00 00 00 00 00 00 00"],
      [-(2n ** 63n), "d3 80 00 00 00 00 00 00 00"],
      [2n ** 64n - 1n, "cf ff ff ff ff ff ff ff ff"],
      [2n ** 64n, "92 c3 c4 09 01 00 00 00 00 00 00 00 00"],
      [-(2n ** 63n) - 1n, "92 c3 c4 09 ff 7f ff ff ff ff ff ff ff"],
      [2n ** 256n - 1n, `92 c3 c4 21 00 ${"ff ".repeat(32)}`],
      [-(2n ** 256n), `92 c3 c4 21 ff ${"00 ".repeat(32)}`],
      [new Uint8Array(0), "c4 00"],
      [Uint8Array.of(1, 2), "c4 02 01 02"],
      [[], "90"],
      [[null, 1n], "92 c0 01"],
      [new Array<VmValue>(16).fill(null), `dc 00 10 ${"c0 ".repeat(16)}`],
      [
        [Uint8Array.of(1, 2), [5n, -1n, null, 2n ** 64n]],
        "92 c4 02 01 02 94 05 ff c0 92 c3 c4 09 01 00 00 00 00 00 00 00 00",
      ],
    ];
    for (const [value, bytes] of cases) {
      expect(hex(encode(t.vmValue, value))).toBe(hex(fromHex(bytes)));
      expect(decode(t.vmValue, fromHex(bytes))).toEqual(value);
    }
  });

  test("msgpackr, given the same value as a wire tree, writes the same bytes and reads them back", () => {
    fc.assert(
      fc.property(vmValueArb, (value) => {
        const bytes = encode(t.vmValue, value);
        expect(hex(packWire(vmValueToWire(value)))).toBe(hex(bytes));
        const { value: tree, end } = unpackFirst(bytes);
        expect(end).toBe(bytes.length);
        expect(tree).toEqual(vmValueToWire(value));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  test("decode(encode(v)) is v, and hashOf is sha256 of the encoding", () => {
    fc.assert(
      fc.property(vmValueArb, (value) => {
        const bytes = encode(t.vmValue, value);
        expect(decode(t.vmValue, bytes)).toEqual(value);
        expect(hashOf(t.vmValue, value)).toEqual(new Uint8Array(createHash("sha256").update(bytes).digest()));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  test("msgpackr reads every valid vector as one complete value with the expected tree", () => {
    const doc = JSON.parse(
      readFileSync(new URL("../../specs/vectors/codec/vmValue.json", import.meta.url), "utf8"),
    ) as { valid: Array<{ value: VmValueJson; hex: string }> };
    for (const vector of doc.valid) {
      const bytes = fromHex(vector.hex);
      const { value, end } = unpackFirst(bytes);
      expect(end).toBe(bytes.length);
      expect(value).toEqual(vmValueToWire(vmValueFromJson(vector.value)));
    }
  });

  test("an Int has one form: every other integer form of it, and its wide form, are refused", () => {
    fc.assert(
      fc.property(vmInt, (v) => {
        const canonical = hex(encode(t.vmValue, v));
        for (const form of integerForms(v)) {
          if (hex(form) === canonical) continue;
          expect(refusal(form).code).toBe("CODEC_NOT_CANONICAL");
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test("decoded Bytes are fresh copies, not views of the input", () => {
    const input = fromHex("91 c4 02 aa bb");
    const value = decode(t.vmValue, input) as Uint8Array[];
    input.fill(0);
    expect(hex(value[0])).toBe("aabb");
    expect(value[0].buffer).not.toBe(input.buffer);
  });

  test("encode returns a copy that later calls do not overwrite", () => {
    const first = encode(t.vmValue, [1n, 2n]);
    encode(t.vmValue, [3n, 4n, 5n]);
    expect(hex(first)).toBe("920102");
  });
});

/** Every MessagePack integer form that holds `v`, and `92 c3` + its shortest int257 bin. */
function integerForms(v: bigint): Uint8Array[] {
  const forms: Uint8Array[] = [];
  const put = (token: number, width: number, signed: boolean) => {
    const bits = BigInt(width * 8);
    const [min, max] = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
    if (v < min || v > max) return;
    const out = new Uint8Array(1 + width);
    out[0] = token;
    let x = v < 0n ? v + (1n << bits) : v;
    for (let i = width; i >= 1; i--) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    forms.push(out);
  };
  if (v >= 0n && v <= 0x7fn) forms.push(Uint8Array.of(Number(v)));
  if (v >= -32n && v < 0n) forms.push(Uint8Array.of(Number(v) & 0xff));
  for (let i = 0; i < 4; i++) {
    put(0xcc + i, 1 << i, false);
    put(0xd0 + i, 1 << i, true);
  }
  const wide = encode(t.int257, v); // c4 n payload
  forms.push(Uint8Array.from([0x92, 0xc3, ...wide]));
  return forms;
}

describe("the limits of vm §2.5", () => {
  test("a Tuple of 255 items is a value; 256 are refused on both sides", () => {
    const items = new Array<VmValue>(255).fill(null);
    expect(decode(t.vmValue, encode(t.vmValue, items))).toEqual(items);
    expect(() => encode(t.vmValue, [...items, null])).toThrow(RangeError);
    expect(refusal(fromHex(`dc 01 00 ${"c0".repeat(256)}`)).code).toBe("CODEC_LENGTH");
  });

  test("Bytes of 65,533 are a value; 65,534 are refused on both sides", () => {
    const longest = new Uint8Array(65_533).fill(7);
    expect(decode(t.vmValue, encode(t.vmValue, longest))).toEqual(longest);
    expect(() => encode(t.vmValue, new Uint8Array(65_534))).toThrow(RangeError);
    const over = new Uint8Array(3 + 65_534);
    over.set([0xc5, 0xff, 0xfe]);
    expect(refusal(over).code).toBe("CODEC_LENGTH");
  });

  test("exactly 65,536 size units is a value; one unit more is refused on both sides", () => {
    const atLimit: VmValue = [new Uint8Array(65_531)]; // 2 + 3 + 65,531
    expect(decode(t.vmValue, encode(t.vmValue, atLimit))).toEqual(atLimit);
    expect(() => encode(t.vmValue, [new Uint8Array(65_532)])).toThrow(/65536 size units/);
    const over = fromHex("91 c5 ff fc");
    const bytes = new Uint8Array(over.length + 65_532);
    bytes.set(over);
    const error = refusal(bytes);
    expect(error.code).toBe("CODEC_LENGTH");
    expect(error.path).toBe("vmValue[0]");
  });

  test("Tuples nest 256 deep, without recursion; one level more is refused (vm §2.4)", () => {
    const deepest = nested(255); // 255 one-item Tuples around an empty one: depth 256
    const bytes = encode(t.vmValue, deepest);
    expect(bytes.length).toBe(256);
    expect(bytes[0]).toBe(0x91);
    expect(bytes[255]).toBe(0x90);
    let back = decode(t.vmValue, bytes);
    let depth = 0;
    while (Array.isArray(back) && back.length === 1) {
      back = back[0];
      depth++;
    }
    expect(depth).toBe(255);
    expect(hashOf(t.vmValue, deepest)).toEqual(new Uint8Array(createHash("sha256").update(bytes).digest()));

    expect(() => encode(t.vmValue, nested(256))).toThrow(RangeError);
    const deeper = new Uint8Array(257).fill(0x91);
    deeper[256] = 0x90;
    const error = refusal(deeper);
    expect(error.code).toBe("CODEC_LENGTH");
    expect(error.message).toMatch(/256 deep/);
    // a deep input is refused where it passes the limit, long before the size rule would
    expect(refusal(new Uint8Array(32_769).fill(0x91)).code).toBe("CODEC_LENGTH");
  });

  test("no value encodes to more than the byte limit: the densest forms stay under it", () => {
    // 255 wide Ints take 37 bytes for 33 units each, the most bytes per unit of any form
    const wide = new Array<VmValue>(255).fill(-(2n ** 256n));
    const densest: VmValue = new Array<VmValue>(7).fill(wide);
    const bytes = encode(t.vmValue, densest);
    expect(bytes.length).toBeLessThanOrEqual(VM_VALUE_MAX_BYTES);
    expect(bytes.length * 2).toBeLessThanOrEqual(3 * (2 + 7 * (2 + 255 * 33)));
    expect(decode(t.vmValue, bytes)).toEqual(densest);
  });

  test("input longer than the byte limit is refused before it is read", () => {
    expect(refusal(new Uint8Array(VM_VALUE_MAX_BYTES + 1)).code).toBe("CODEC_TOO_LARGE");
    expect(refusal(new Uint8Array(0)).code).toBe("CODEC_MALFORMED");
  });
});

describe("refusals", () => {
  test("every proper prefix of an encoding is malformed", () => {
    fc.assert(
      fc.property(vmValueArb, (value) => {
        const bytes = encode(t.vmValue, value);
        for (let cut = 1; cut < bytes.length; cut++) {
          expect(refusal(bytes.subarray(0, cut)).code).toBe("CODEC_MALFORMED");
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  test("errors carry the path of the Tuple item at fault", () => {
    const error = refusal(fromHex("93 c0 92 01 cc 05 c0"));
    expect(error.code).toBe("CODEC_NOT_CANONICAL");
    expect(error.path).toBe("vmValue[1][1]");
    expect(error.message).toMatch(/^vmValue\[1\]\[1\]: integer not in its shortest form/);
  });

  test("encoding a non-value is a TypeError and an out-of-range one a RangeError, with the path", () => {
    expect(() => encode(t.vmValue, 5 as unknown as VmValue)).toThrow(TypeError);
    expect(() => encode(t.vmValue, [1n, [true]] as unknown as VmValue)).toThrow(
      /^vmValue\[1\]\[0\]: expected/,
    );
    expect(() => encode(t.vmValue, [undefined] as unknown as VmValue)).toThrow(TypeError);
    expect(() => encode(t.vmValue, "x" as unknown as VmValue)).toThrow(TypeError);
    expect(() => encode(t.vmValue, [[2n ** 256n]])).toThrow(/^vmValue\[0\]\[0\]: an Int must be/);
    expect(() => encode(t.vmValue, -(2n ** 256n) - 1n)).toThrow(RangeError);
    // after a misuse the writer starts clean
    expect(hex(encode(t.vmValue, [1n]))).toBe("9101");
  });

  test("a Tuple that contains itself ends at the depth limit rather than looping", () => {
    const cycle: VmValue[] = [];
    cycle.push(cycle);
    expect(() => encode(t.vmValue, cycle)).toThrow(/256 deep/);
  });

  test("t.vmValue is a root schema only: the combinators refuse it as an item", () => {
    expect(() => t.list(t.vmValue, 4)).toThrow(/varBytes/);
    expect(() => t.optional(t.vmValue)).toThrow(TypeError);
    expect(() => t.sortedMap(t.u8, t.vmValue, 4)).toThrow(TypeError);
    expect(() => t.struct("Message", { body: t.vmValue })).toThrow(/field body/);
  });
});
