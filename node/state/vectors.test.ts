// Runs specs/vectors/state/roots.json: every set, written in three orders and batch splits,
// must give the published root, and so must the reference definition.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { MemoryStore } from "../store/index.ts";
import { EMPTY_HASH, MerkleTrie, verifyProof } from "./index.ts";
import { referenceRoot } from "./referenceRoot.testkit.ts";

interface RootVector {
  name: string;
  entries: Array<{ key: string; value: string }>;
  root: string;
}

const vectors: RootVector[] = JSON.parse(
  readFileSync(new URL("../../specs/vectors/state/roots.json", import.meta.url), "utf8"),
);
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("state root vectors", () => {
  test("the file holds the cases the spec names", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
  });

  test.each(vectors.map((v) => [v.name, v] as const))("%s", async (_name, vector) => {
    const entries = vector.entries.map((e) => ({ key: fromHex(e.key), value: fromHex(e.value) }));
    const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    expect(toHex(referenceRoot(sorted.map((e) => [e.key, e.value] as const)))).toBe(vector.root);

    const orders = [entries, [...entries].reverse(), sorted];
    for (const [n, order] of orders.entries()) {
      const trie = new MerkleTrie(new MemoryStore());
      let root = EMPTY_HASH;
      const step = n + 1;
      for (let i = 0; i < order.length; i += step) root = await trie.update(root, order.slice(i, i + step));
      expect(toHex(root)).toBe(vector.root);
      for (const e of entries) {
        expect(await trie.get(root, e.key)).toEqual(e.value);
        expect(verifyProof(root, e.key, await trie.prove(root, e.key)).included).toBe(true);
      }
    }
  });
});
