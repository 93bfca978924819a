import { describe, expect, it } from "vitest";
import { carve, carveCopy } from "./arena.ts";

describe("arena", () => {
  it("carves zeroed, disjoint views of one chunk", () => {
    const a = carve(100);
    const b = carve(200);
    expect(a.length).toBe(100);
    expect(b.length).toBe(200);
    expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
    a.fill(1);
    expect(b.every((x) => x === 0)).toBe(true);
    b.fill(2);
    expect(a.every((x) => x === 1)).toBe(true);
  });

  it("starts a new chunk when the current one is full", () => {
    const views = Array.from({ length: 100 }, () => carve(60_000));
    const buffers = new Set(views.map((v) => v.buffer));
    expect(buffers.size).toBeGreaterThan(1);
    views.forEach((v, i) => {
      v.fill(i);
    });
    views.forEach((v, i) => {
      expect(v.every((x) => x === i)).toBe(true);
    });
  });

  it("gives a large record an array of its own", () => {
    const big = carve(1 << 20);
    expect(big.length).toBe(1 << 20);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(1 << 20);
  });

  it("copies: changing the source afterwards changes nothing", () => {
    const source = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const copy = carveCopy(source);
    source.fill(9);
    expect(Array.from(copy)).toEqual(Array.from({ length: 300 }, (_, i) => i & 0xff));
  });
});
