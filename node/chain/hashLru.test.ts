import { describe, expect, test } from "vitest";
import { sha256 } from "../crypto/index.ts";
import { HashLru } from "./hashLru.ts";

const h = (n: number) => sha256(Uint8Array.of(n & 0xff, n >> 8));

describe("HashLru", () => {
  test("answers only for the exact hash, and forgets the oldest entries past its cost", () => {
    const lru = new HashLru<number>(30);
    for (let n = 0; n < 4; n++) lru.set(h(n), n, 10);
    expect(lru.size).toBe(3);
    expect(lru.cost).toBe(30);
    expect(lru.get(h(0))).toBeUndefined();
    expect([1, 2, 3].map((n) => lru.get(h(n)))).toEqual([1, 2, 3]);
    const other = h(3).slice();
    other[31] ^= 1;
    expect(lru.get(other)).toBeUndefined();
    expect(lru.get(h(3).subarray(0, 6))).toBeUndefined();
  });

  test("a hash sharing the first bits replaces the entry instead of answering for it", () => {
    const lru = new HashLru<string>(100);
    const a = h(1);
    const b = a.slice();
    b[20] ^= 1;
    lru.set(a, "a", 1);
    lru.set(b, "b", 1);
    expect(lru.get(a)).toBeUndefined();
    expect(lru.get(b)).toBe("b");
    expect(lru.size).toBe(1);
  });

  test("an entry used in a later epoch outlives entries not used since", () => {
    const lru = new HashLru<number>(2_000);
    lru.set(h(0), 0, 1);
    for (let n = 1; n < 1_500; n++) lru.set(h(n), n, 1);
    expect(lru.get(h(0))).toBe(0);
    for (let n = 1_500; n < 2_400; n++) lru.set(h(n), n, 1);
    expect(lru.get(h(0))).toBe(0);
    expect(lru.get(h(1))).toBeUndefined();
  });

  test("a value costing more than the bound is not kept, and the bound must be a whole number", () => {
    const lru = new HashLru<number>(5);
    lru.set(h(1), 1, 6);
    expect(lru.size).toBe(0);
    expect(() => new HashLru(1.5)).toThrow(RangeError);
  });
});
