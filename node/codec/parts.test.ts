import { describe, expect, test } from "vitest";
import { decode, encode } from "./codec.ts";
import { encodeArrayOf, encodeStructOf } from "./parts.ts";
import { t } from "./t.ts";

const Item = t.struct("Item", { id: t.u32, tag: t.bytes(3) });
const Record = t.struct(
  "Record",
  { items: t.list(Item, 100_000), note: t.string(64), n: t.u64 },
  { maxBytes: 1 << 20 },
);
const item = (i: number) => ({ id: i, tag: Uint8Array.of(i & 0xff, 1, 2) });

describe("encodings built from encodings", () => {
  test.each([0, 1, 15, 16, 300, 0xffff, 0x10000])("a list of %i items is the list's own encoding", (n) => {
    const items = Array.from({ length: n }, (_, i) => item(i));
    const bytes = encodeArrayOf(items.map((x) => encode(Item, x)));
    expect(bytes).toEqual(encode(t.list(Item, 100_000), items));
  });

  test("a struct from its fields' encodings decodes to the struct", () => {
    const value = { items: [item(1), item(2)], note: "gram", n: 2n ** 63n };
    const bytes = encodeStructOf(Record, [
      encodeArrayOf(value.items.map((x) => encode(Item, x))),
      encode(t.string(64), value.note),
      encode(t.u64, value.n),
    ]);
    expect(bytes).toEqual(encode(Record, value));
    expect(decode(Record, bytes)).toEqual(value);
  });

  test("refuses a wrong field count and an encoding over the struct's limit", () => {
    expect(() => encodeStructOf(Record, [encode(t.u64, 1n)])).toThrow(
      /Record: expected 3 encoded fields, got 1/,
    );
    const Small = t.struct("Small", { a: t.bytes(2000) }, { maxBytes: 1000 });
    expect(() => encodeStructOf(Small, [encode(t.bytes(2000), new Uint8Array(2000))])).toThrow(
      /Small: encodes to 2004 bytes, over its limit of 1000/,
    );
  });
});
