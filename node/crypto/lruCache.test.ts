import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { LruCache } from "./lruCache.ts";

describe("LruCache", () => {
  test("forgets the least recently used entry when full", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // "b" is now the oldest
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  test("overwriting a key keeps one entry and refreshes it", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 10);
    cache.set("c", 3);
    expect(cache.get("a")).toBe(10);
    expect(cache.get("b")).toBeUndefined();
  });

  test("rejects a bound that is not a positive integer", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(/maxEntries must be a positive integer, got 1.5/);
  });

  test("never holds more than its bound, and the newest entry is always there", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 })), (max, keys) => {
        const cache = new LruCache<number, number>(max);
        for (const k of keys) {
          cache.set(k, k * 2);
          expect(cache.size).toBeLessThanOrEqual(max);
          expect(cache.get(k)).toBe(k * 2);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
