import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Lru } from "./lru.ts";

describe("Lru", () => {
  test("forgets the least recently used entry past its cost", () => {
    const lru = new Lru<string, number>({ maxCost: 30 });
    lru.set("a", 1, 10);
    lru.set("b", 2, 10);
    lru.set("c", 3, 10);
    expect(lru.get("a")).toBe(1); // "b" is now the oldest
    lru.set("d", 4, 10);
    expect(lru.has("b")).toBe(false);
    expect([lru.get("a"), lru.get("c"), lru.get("d")]).toEqual([1, 3, 4]);
    expect(lru.size).toBe(3);
    expect(lru.cost).toBe(30);
  });

  test("a costly entry evicts as many old ones as it needs; one costing more than the bound is not kept", () => {
    const lru = new Lru<number, string>({ maxCost: 10 });
    for (let n = 0; n < 5; n++) lru.set(n, `v${n}`, 2);
    lru.set(9, "big", 7);
    expect(lru.size).toBe(2);
    expect(lru.peek(4)).toBe("v4");
    lru.set(4, "huge", 11);
    expect(lru.has(4)).toBe(false);
    expect(lru.cost).toBe(7);
  });

  test("bounds the count too, and peek leaves the order alone", () => {
    const lru = new Lru<number, number>({ maxCost: 1_000, maxEntries: 2 });
    lru.set(1, 1);
    lru.set(2, 2);
    expect(lru.peek(1)).toBe(1);
    lru.set(3, 3);
    expect(lru.has(1)).toBe(false);
    expect(lru.delete(2)).toBe(true);
    expect(lru.delete(2)).toBe(false);
    expect(lru.size).toBe(1);
    lru.clear();
    expect([lru.size, lru.cost, lru.get(3)]).toEqual([0, 0, undefined]);
  });

  test("refuses bounds and costs that are not numbers it can keep", () => {
    expect(() => new Lru({ maxCost: 1.5 })).toThrow(/maxCost must be a non-negative integer, got 1.5/);
    expect(() => new Lru({ maxCost: 5, maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
    expect(() => new Lru<number, number>({ maxCost: 5 }).set(1, 1, Number.NaN)).toThrow(RangeError);
  });

  test("answers exactly as a list kept in order of use", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), key: fc.nat(12), cost: fc.nat(6) }),
      fc.record({ kind: fc.constant("get" as const), key: fc.nat(12) }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.nat(12) }),
    );
    fc.assert(
      fc.property(
        fc.nat(15),
        fc.integer({ min: 1, max: 6 }),
        fc.array(op, { maxLength: 80 }),
        (maxCost, maxEntries, ops) => {
          const lru = new Lru<number, number>({ maxCost, maxEntries });
          // The model: most recently used first.
          let model: Array<{ key: number; value: number; cost: number }> = [];
          ops.forEach((o, step) => {
            if (o.kind === "set") {
              lru.set(o.key, step, o.cost);
              model = model.filter((e) => e.key !== o.key);
              if (o.cost <= maxCost) model.unshift({ key: o.key, value: step, cost: o.cost });
              const total = () => model.reduce((s, e) => s + e.cost, 0);
              while (total() > maxCost || model.length > maxEntries) model.pop();
            } else if (o.kind === "get") {
              const at = model.findIndex((e) => e.key === o.key);
              expect(lru.get(o.key)).toBe(at < 0 ? undefined : model[at].value);
              if (at >= 0) model.unshift(...model.splice(at, 1));
            } else {
              const at = model.findIndex((e) => e.key === o.key);
              expect(lru.delete(o.key)).toBe(at >= 0);
              if (at >= 0) model.splice(at, 1);
            }
            expect(lru.size).toBe(model.length);
            expect(lru.cost).toBe(model.reduce((s, e) => s + e.cost, 0));
          });
          for (const e of model) expect(lru.peek(e.key)).toBe(e.value);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
