import { describe, expect, test } from "vitest";
import { toHex } from "../bytes/index.ts";
import {
  type Behaviour,
  doubleSigned,
  type Partition,
  Rng,
  SIM_KEYS,
  SIM_NETWORK,
  type SimOptions,
  simulate,
} from "./simulation.ts";

const simKey = (i: number) => SIM_KEYS[i].publicKey;

import { verifyVote } from "./messages.ts";
import { commitError } from "./validatorSet.ts";

/** A random scenario for `seed`: members, stakes, faults with less than 1/3 of the stake, a network. */
function scenario(seed: number): SimOptions {
  const rng = new Rng(seed * 7919 + 1);
  const n = 1 + rng.below(7);
  const stakes = Array.from({ length: n }, () => BigInt(1 + rng.below(100)));
  let total = 0n;
  for (const s of stakes) total += s;
  const behaviours: Behaviour[] = stakes.map(() => "honest");
  let faulty = 0n;
  const kinds: Behaviour[] = ["silent", "equivocate", "doubleVote"];
  for (let i = 0; i < n; i++) {
    if (!rng.chance(350)) continue;
    if ((faulty + stakes[i]) * 3n >= total) continue;
    faulty += stakes[i];
    behaviours[i] = kinds[rng.below(3)];
  }
  const honest = behaviours.flatMap((b, i) => (b === "honest" ? [i] : []));
  const gstMs = rng.below(3_000);
  const partitions: Partition[] = [];
  if (rng.chance(400)) {
    const fromMs = rng.below(2_000);
    const cut = rng.below(n);
    partitions.push({
      fromMs,
      toMs: fromMs + 200 + rng.below(3_000),
      groups: [
        Array.from({ length: n }, (_, i) => i).filter((i) => i < cut),
        Array.from({ length: n }, (_, i) => i).filter((i) => i >= cut),
      ],
    });
  }
  const crashes: SimOptions["crashes"] = [];
  if (honest.length > 0 && rng.chance(400)) {
    const atMs = rng.below(2_000);
    crashes.push({ node: honest[rng.below(honest.length)], atMs, restartMs: atMs + 1 + rng.below(2_000) });
  }
  return {
    seed,
    stakes,
    behaviours,
    heights: 4 + rng.below(5),
    delay: { minMs: 1, maxMs: 2 + rng.below(80) },
    dropPerMille: rng.below(300),
    duplicatePerMille: rng.below(200),
    gstMs,
    partitions,
    crashes,
  };
}

function checkRun(o: SimOptions) {
  const r = simulate(o);
  const label = `seed ${o.seed}`;
  // Safety: no two honest members decide different values at one height.
  for (let h = 0; ; h++) {
    const values = new Set(r.honest.flatMap((i) => (r.decided[i].length > h ? [r.decided[i][h]] : [])));
    if (values.size === 0) break;
    expect(values.size, `${label}: height ${h}`).toBe(1);
  }
  // Liveness: once the network is good, every honest member reaches the target height.
  for (const i of r.honest)
    expect(r.decided[i].length, `${label}: member ${i}`).toBeGreaterThanOrEqual(o.heights);
  // What they decide carries a commit that checks against the set alone.
  for (const i of r.honest)
    for (const c of r.commits[i]) expect(commitError(SIM_NETWORK, r.set, c), label).toBeNull();
  // No honest key ever signs two votes for one step, crashes and restarts included.
  expect(doubleSigned(r.honestVotes), label).toBeNull();
  expect(r.badCommits, label).toBe(0);
  return r;
}

describe("consensus over a simulated network", () => {
  test("a good network: every member decides the same values, one per height", () => {
    const r = checkRun({ seed: 1, stakes: [10n, 10n, 10n, 10n], heights: 20 });
    expect(new Set(r.decided.map((d) => d.join())).size).toBe(1);
  });

  test("2,000 seeded runs with drops, duplicates, reordering, partitions, crashes and faulty members", () => {
    let faultyRuns = 0;
    let crashRuns = 0;
    let partitionRuns = 0;
    for (let seed = 1; seed <= 2_000; seed++) {
      const o = scenario(seed);
      checkRun(o);
      if (o.behaviours?.some((b) => b !== "honest")) faultyRuns++;
      if ((o.crashes ?? []).length > 0) crashRuns++;
      if ((o.partitions ?? []).length > 0) partitionRuns++;
    }
    // The mix is broad enough to mean something.
    expect(faultyRuns).toBeGreaterThan(300);
    expect(crashRuns).toBeGreaterThan(300);
    expect(partitionRuns).toBeGreaterThan(300);
  });

  test("a validator that votes twice is caught: every honest member holds valid evidence against it", () => {
    const r = checkRun({
      seed: 5,
      stakes: [10n, 10n, 10n, 10n],
      behaviours: ["honest", "honest", "doubleVote", "honest"],
      heights: 5,
    });
    const culprit = toHex(r.set.members[r.set.indexOf(simKey(2))].publicKey);
    for (const i of r.honest) {
      expect(r.evidence[i].length).toBeGreaterThan(0);
      for (const e of r.evidence[i]) {
        expect(toHex(e.first.validator)).toBe(culprit);
        expect(toHex(e.second.validator)).toBe(culprit);
        expect([e.first.height, e.first.round, e.first.type]).toEqual([
          e.second.height,
          e.second.round,
          e.second.type,
        ]);
        expect(verifyVote(SIM_NETWORK, e.first) && verifyVote(SIM_NETWORK, e.second)).toBe(true);
      }
    }
  });

  test("an equivocating proposer and a third of the stake silent still decide every height alike", () => {
    for (let seed = 1; seed <= 50; seed++)
      checkRun({
        seed,
        stakes: [10n, 10n, 10n, 10n, 10n, 10n, 10n],
        behaviours: ["equivocate", "silent", "honest", "honest", "honest", "honest", "honest"],
        heights: 6,
        delay: { minMs: 1, maxMs: 60 },
      });
  });

  test("with a third of the stake silent, nothing is decided, and nothing conflicting is signed", () => {
    const r = simulate({
      seed: 3,
      stakes: [10n, 10n, 10n],
      behaviours: ["honest", "honest", "silent"],
      heights: 3,
      maxMs: 20_000,
    });
    for (const i of r.honest) expect(r.decided[i]).toEqual([]);
    expect(doubleSigned(r.honestVotes)).toBeNull();
  });

  test("a long partition with no quorum on either side halts, then heals and catches up", () => {
    checkRun({
      seed: 9,
      stakes: [10n, 10n, 10n, 10n],
      heights: 10,
      partitions: [
        {
          fromMs: 500,
          toMs: 8_000,
          groups: [
            [0, 1],
            [2, 3],
          ],
        },
      ],
    });
  });
});
