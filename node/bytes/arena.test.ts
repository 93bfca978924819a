import { describe, expect, it } from "vitest";
import { Arena } from "./arena.ts";

describe("Arena", () => {
  it("carves zeroed, disjoint views of one chunk", () => {
    const arena = new Arena(64 * 1024);
    const a = arena.carve(100);
    const b = arena.carve(200);
    expect(a.length).toBe(100);
    expect(b.length).toBe(200);
    expect(a.buffer).toBe(b.buffer);
    expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
    a.fill(1);
    expect(b.every((x) => x === 0)).toBe(true);
    b.fill(2);
    expect(a.every((x) => x === 1)).toBe(true);
  });

  it("starts a new chunk when the current one is full", () => {
    const arena = new Arena(256 * 1024);
    const views = Array.from({ length: 100 }, () => arena.carve(60_000));
    const buffers = new Set(views.map((v) => v.buffer));
    expect(buffers.size).toBeGreaterThan(1);
    views.forEach((v, i) => {
      v.fill(i);
    });
    views.forEach((v, i) => {
      expect(v.every((x) => x === i)).toBe(true);
    });
  });

  it("gives a large array a buffer of its own", () => {
    const arena = new Arena(64 * 1024);
    const big = arena.carve(1 << 20);
    expect(big.length).toBe(1 << 20);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(1 << 20);
    const quarter = arena.carve(16 * 1024 + 1);
    expect(quarter.buffer.byteLength).toBe(16 * 1024 + 1);
  });

  it("copies: changing the source afterwards changes nothing", () => {
    const arena = new Arena(64 * 1024);
    const source = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const copy = arena.copy(source);
    source.fill(9);
    expect(Array.from(copy)).toEqual(Array.from({ length: 300 }, (_, i) => i & 0xff));
  });

  it("refuses a chunk size that is not an integer of at least 1 KiB", () => {
    for (const bad of [0, 100, 1.5 * 1024 + 0.5, Number.NaN])
      expect(() => new Arena(bad)).toThrow(RangeError);
  });
});
