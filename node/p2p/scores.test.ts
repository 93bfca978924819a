// PeerScores on a fake clock: penalties add up, a ban starts past the threshold and ends after
// banMs with a fresh score, and scores recover with the half-life.
import { describe, expect, it } from "vitest";
import { PeerScores } from "./scores.ts";

function scores(overrides: { banScore?: number; banMs?: number; halfLifeMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const s = new PeerScores({
    banScore: overrides.banScore ?? -100,
    banMs: overrides.banMs ?? 60_000,
    halfLifeMs: overrides.halfLifeMs ?? 600_000,
    now: () => clock.now,
  });
  return { s, clock };
}

describe("PeerScores", () => {
  it("starts every peer at 0 and subtracts penalties", () => {
    const { s } = scores();
    expect(s.score("p")).toBe(0);
    expect(s.penalize("p", 10)).toBe(false);
    expect(s.penalize("p", 20)).toBe(false);
    expect(s.score("p")).toBe(-30);
    expect(s.score("q")).toBe(0);
  });

  it("bans a peer once its score falls below banScore, and only then", () => {
    const { s } = scores({ banScore: -25 });
    expect(s.penalize("p", 25)).toBe(false); // -25 is not below -25
    expect(s.isBanned("p")).toBe(false);
    expect(s.penalize("p", 1)).toBe(true);
    expect(s.isBanned("p")).toBe(true);
    // Further penalties during the ban do not ban again.
    expect(s.penalize("p", 100)).toBe(false);
  });

  it("ends a ban after banMs with the score wiped", () => {
    const { s, clock } = scores({ banScore: -10, banMs: 5000 });
    expect(s.penalize("p", 50)).toBe(true);
    clock.now += 4999;
    expect(s.isBanned("p")).toBe(true);
    clock.now += 1;
    expect(s.isBanned("p")).toBe(false);
    expect(s.score("p")).toBe(0);
  });

  it("halves a score every half-life", () => {
    const { s, clock } = scores({ halfLifeMs: 1000 });
    s.penalize("p", 40);
    clock.now += 1000;
    expect(s.score("p")).toBeCloseTo(-20, 9);
    clock.now += 2000;
    expect(s.score("p")).toBeCloseTo(-5, 9);
  });

  it("does not let slowly spread penalties add up to a ban", () => {
    const { s, clock } = scores({ banScore: -100, halfLifeMs: 60_000 });
    for (let i = 0; i < 1000; i++) {
      expect(s.penalize("p", 10)).toBe(false);
      clock.now += 60_000;
    }
    expect(s.score("p")).toBeGreaterThan(-20);
  });

  it("refuses negative or non-finite points", () => {
    const { s } = scores();
    expect(() => s.penalize("p", -1)).toThrow(RangeError);
    expect(() => s.penalize("p", Number.NaN)).toThrow(RangeError);
  });
});
