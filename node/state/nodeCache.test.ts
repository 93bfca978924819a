import { describe, expect, test } from "vitest";
import { hashKey } from "../cache/index.ts";
import { NodeCache, NodeMap } from "./nodeCache.ts";
import { makeNode, TrieNode } from "./trieNode.ts";

// Two real nodes, then the same nodes under made-up hashes that share their first 30 bits.
function nodes(): TrieNode[] {
  const leaf = (k: number) => ({
    key: new Uint8Array(32).fill(k),
    valueHash: new Uint8Array(32).fill(k),
    valueVersion: 1,
  });
  const a = makeNode(1, [leaf(0x01), leaf(0x11), ...new Array(14).fill(null)]) as TrieNode;
  const b = makeNode(1, [leaf(0x02), leaf(0x12), ...new Array(14).fill(null)]) as TrieNode;
  const h1 = new Uint8Array(32).fill(7);
  const h2 = h1.slice();
  h2[31] = 8;
  return [a, b, new TrieNode(1, a.bytes, h1), new TrieNode(1, b.bytes, h2)];
}

describe("NodeMap", () => {
  test("keeps nodes whose keys collide apart", () => {
    const [a, b, c, d] = nodes();
    expect(hashKey(c.hash)).toBe(hashKey(d.hash));
    const map = new NodeMap();
    for (const n of [a, b, c, d]) map.set(n);
    for (const n of [a, b, c, d]) expect(map.get(n.hash)).toBe(n);
    expect(map.get(new Uint8Array(32).fill(9))).toBeUndefined();
  });
});

describe("NodeCache", () => {
  test("never answers with the node of another hash", () => {
    const [, , c, d] = nodes();
    const cache = new NodeCache(1 << 20);
    cache.set(c);
    expect(cache.get(d.hash)).toBeUndefined();
    cache.set(d);
    expect(cache.get(d.hash)).toBe(d);
    expect(cache.get(c.hash)).toBeUndefined();
  });

  test("evicts the least recently used node past its byte budget", () => {
    const [a, b] = nodes();
    const cache = new NodeCache(a.bytes.length + 240 + 10);
    cache.set(a);
    cache.set(b);
    expect(cache.get(a.hash)).toBeUndefined();
    expect(cache.get(b.hash)).toBe(b);
    expect(cache.bytes).toBeLessThanOrEqual(a.bytes.length + 250);
  });
});
