// rootOfLeaves against the published roots, the naive reference and the stored trie.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MemoryStore } from "../store/index.ts";
import { EMPTY_HASH, leafHash, MAX_SET_LEAVES, MerkleTrie, rootOfLeaves, valueHashOf } from "./index.ts";
import { referenceRoot } from "./referenceRoot.testkit.ts";

const vectors: Array<{ name: string; entries: Array<{ key: string; value: string }>; root: string }> =
  JSON.parse(readFileSync(new URL("../../specs/vectors/state/roots.json", import.meta.url), "utf8"));
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const leafOf = (key: Uint8Array, value: Uint8Array) => ({ key, hash: leafHash(key, valueHashOf(value)) });

describe("rootOfLeaves", () => {
  test.each(vectors.map((v) => [v.name, v] as const))("vector: %s", (_name, vector) => {
    const leaves = vector.entries.map((e) => leafOf(fromHex(e.key), fromHex(e.value)));
    expect(toHex(rootOfLeaves(leaves))).toBe(vector.root);
    expect(toHex(rootOfLeaves([...leaves].reverse()))).toBe(vector.root);
  });

  test("any set: the reference's root and the stored trie's", async () => {
    // Keys drawn from a few first bytes, so that sets share nibbles and nest nodes.
    const key = fc
      .tuple(fc.constantFrom(0x00, 0x01, 0x10, 0x11, 0xf0), fc.uint8Array({ minLength: 31, maxLength: 31 }))
      .map(([head, rest]) => Uint8Array.of(head, ...rest));
    const entries = fc.uniqueArray(fc.tuple(key, fc.uint8Array({ maxLength: 40 })), {
      maxLength: 40,
      selector: ([k]) => toHex(k),
    });
    await fc.assert(
      fc.asyncProperty(entries, async (set) => {
        const root = rootOfLeaves(set.map(([k, v]) => leafOf(k, v)));
        const sorted = [...set].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(toHex(root)).toBe(toHex(referenceRoot(sorted)));
        const trie = await new MerkleTrie(new MemoryStore()).update(
          EMPTY_HASH,
          set.map(([k, v]) => ({ key: k, value: v })),
        );
        expect(toHex(root)).toBe(toHex(trie));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  test("the empty set is the empty root, and the answer is the caller's to keep", () => {
    const root = rootOfLeaves([]);
    expect(root).toEqual(EMPTY_HASH);
    root[0] = 1;
    expect(EMPTY_HASH[0]).toBe(0);
  });

  test("refuses what is not a set of 32-byte keys and hashes", () => {
    const a = leafOf(new Uint8Array(32), Uint8Array.of(1));
    expect(() => rootOfLeaves([a, { ...a }])).toThrow(/same key/);
    expect(() => rootOfLeaves([{ key: new Uint8Array(31), hash: a.hash }])).toThrow(TypeError);
    expect(() => rootOfLeaves([{ key: a.key, hash: new Uint8Array(3) }])).toThrow(TypeError);
    expect(() => rootOfLeaves("x" as never)).toThrow(TypeError);
    const many = Array.from({ length: MAX_SET_LEAVES + 1 }, () => a);
    expect(() => rootOfLeaves(many)).toThrow(RangeError);
  });
});
