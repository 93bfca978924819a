import { describe, expect, test } from "vitest";
import { hashKey } from "../cache/index.ts";
import { leafHash } from "./hashing.ts";
import { NodeCache, NodeMap } from "./nodeCache.ts";
import { makeNode, TrieNode } from "./trieNode.ts";

const leafAt = (k: number) => ({
  key: new Uint8Array(32).fill(k),
  valueRef: new Uint8Array(12).fill(k),
  hash: leafHash(new Uint8Array(32).fill(k), new Uint8Array(32).fill(k)),
});

// Two real nodes, then the same nodes under made-up hashes that share their first 30 bits.
/** Places each record at its own made-up ref, so a cached node must give back the right one. */
let placed = 0;
const place = () => new Uint8Array(12).fill(++placed);

function nodes(): TrieNode[] {
  const a = makeNode(place, [leafAt(0x01), leafAt(0x11), ...new Array(14).fill(null)]) as TrieNode;
  const b = makeNode(place, [leafAt(0x02), leafAt(0x12), ...new Array(14).fill(null)]) as TrieNode;
  const h1 = new Uint8Array(32).fill(7);
  const h2 = h1.slice();
  h2[31] = 8;
  return [a, b, new TrieNode(place(), a.bytes, h1), new TrieNode(place(), b.bytes, h2)];
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
  const same = (got: TrieNode | undefined, want: TrieNode) => {
    expect(got?.hash).toEqual(want.hash);
    expect(got?.bytes).toEqual(want.bytes);
    expect(got?.ref).toEqual(want.ref);
  };
  const entryBytes = (n: TrieNode) => 32 + 12 + 2 + n.bytes.length;

  test("never answers with the node of another hash", () => {
    const [, , c, d] = nodes();
    const cache = new NodeCache(1 << 20);
    cache.set(c);
    expect(cache.get(d.hash)).toBeUndefined();
    cache.set(d);
    same(cache.get(d.hash), d);
    expect(cache.get(c.hash)).toBeUndefined();
    cache.delete(c.hash);
    same(cache.get(d.hash), d);
    cache.delete(d.hash);
    expect(cache.get(d.hash)).toBeUndefined();
  });

  test("keeps two generations within its budget; what is used moves to the newer one", () => {
    const [a, b] = nodes();
    const c = makeNode(place, [leafAt(0x05), leafAt(0x15), ...new Array(14).fill(null)]) as TrieNode;
    // Room for one entry per generation: each new node starts a generation.
    const cache = new NodeCache(2 * entryBytes(a) + 1);
    cache.set(a);
    cache.set(b);
    same(cache.get(a.hash), a); // from the older generation, copied into a new one: b is now older
    cache.set(c);
    expect(cache.get(b.hash)).toBeUndefined();
    same(cache.get(a.hash), a);
    same(cache.get(c.hash), c);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(2 * entryBytes(a) + 1);
  });

  test("a node handed out stays whole after its generation is dropped", () => {
    const [a, b] = nodes();
    const cache = new NodeCache(2 * entryBytes(a) + 1);
    cache.set(a);
    const held = cache.get(a.hash)!;
    cache.set(b);
    cache.set(makeNode(place, [leafAt(3), leafAt(4), ...new Array(14).fill(null)]) as TrieNode);
    expect(cache.get(a.hash)).toBeUndefined();
    same(held, a);
  });

  test("a cache of no bytes holds nothing", () => {
    const [a] = nodes();
    const cache = new NodeCache(0);
    cache.set(a);
    expect(cache.get(a.hash)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
