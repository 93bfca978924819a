// The wire writer against the spec's forms (specs/codec.md §2, §3.1) and against msgpackr's own
// pack, the writer it replaced: for every wire tree the schemas can produce, the same bytes.
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, test } from "vitest";
import type { Wire } from "./schema.ts";
import { packWire, packWireShared } from "./wire.ts";

const SEED = 20261202;
const msgpackr = new Packr({
  useRecords: false,
  variableMapSize: true,
  int64AsType: "bigint",
  bundleStrings: false,
  moreTypes: false,
});
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const int32Edges = [0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, -1, -32, -33, -128, -129];
const moreEdges = [-32768, -32769, -(2 ** 31)];
const numbers = fc.oneof(
  fc.constantFrom(...int32Edges, ...moreEdges),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
);
// Bigints reach the writer only outside the number forms (scalars.ts).
const bigints = fc.oneof(
  fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 31n) - 1n }),
  fc.constantFrom(2n ** 32n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 63n), -(2n ** 31n) - 1n),
);
const lengths = [0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536];
const bins = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(...lengths).map((n) => new Uint8Array(n).fill(n & 0xff)),
);
const strings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(...lengths).map((n) => "x".repeat(n)),
  fc.constantFrom(...[10, 11, 85, 86].map((n) => "€".repeat(n))),
);
const { tree } = fc.letrec<{ tree: Wire; leaf: Wire }>((tie) => ({
  leaf: fc.oneof(fc.constant(null), fc.boolean(), numbers, bigints, strings, bins),
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.array(tie("tree"), { maxLength: 20 }),
  ),
}));

describe("packWire", () => {
  test("writes what msgpackr's pack wrote for every wire tree", () => {
    fc.assert(
      fc.property(tree, (wire) => {
        expect(hex(packWire(wire))).toBe(hex(msgpackr.pack(wire)));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  test("uses the shortest header at each length boundary (§2.2)", () => {
    expect(hex(packWire("hi"))).toBe("a26869");
    expect(hex(packWire("x".repeat(40))).slice(0, 4)).toBe("d928");
    expect(hex(packWire(Uint8Array.of(1, 2, 3)))).toBe("c403010203");
    expect(hex(packWire(new Array(17).fill(0))).slice(0, 6)).toBe("dc0011");
    expect(hex(packWire(new Array(65536).fill(null))).slice(0, 10)).toBe("dd00010000");
    expect(hex(packWire(new Uint8Array(65536))).slice(0, 10)).toBe("c600010000");
  });

  test("writes each integer in the one form of §3.1", () => {
    const cases: [number | bigint, string][] = [
      [5, "05"],
      [200, "ccc8"],
      [256, "cd0100"],
      [2 ** 32 - 1, "ceffffffff"],
      [-1, "ff"],
      [-33, "d0df"],
      [-129, "d1ff7f"],
      [-(2 ** 31), "d280000000"],
      [2n ** 32n, "d30000000100000000"],
      [2n ** 63n, "cf8000000000000000"],
    ];
    for (const [v, bytes] of cases) expect(hex(packWire(v))).toBe(bytes);
  });

  test("refuses a number no integer form takes: a bug in a schema, never written", () => {
    for (const bad of [0.5, 2 ** 32, -(2 ** 31) - 1, Number.NaN])
      expect(() => packWire(bad)).toThrow(/codec bug/);
  });

  test("a copy stays as it was after later calls", () => {
    const first = packWire([1, "a"]);
    const shared = packWireShared([2, "b"]);
    const sharedHex = hex(shared);
    packWireShared([new Uint8Array(100_000)]);
    expect(hex(first)).toBe("9201a161");
    expect(sharedHex).toBe("9202a162");
  });
});
