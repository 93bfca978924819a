import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compareBytes } from "../../bytes/index.ts";
import { type ElectionRules, type StakeOffer, selectValidators } from "./select.ts";

const ONE = 65536;
const key = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const offer = (b: number, stake: bigint): StakeOffer => ({ publicKey: key(b), stake });
const rules = (over: Partial<ElectionRules> = {}): ElectionRules => ({
  minValidators: 1,
  maxValidators: 100,
  minStake: 1n,
  maxStake: 1_000_000n,
  minTotalStake: 0n,
  maxStakeFactor: 3 * ONE,
  ...over,
});

function won(offers: StakeOffer[], r: ElectionRules) {
  const out = selectValidators(offers, r);
  if (!out.ok) throw new Error(`election failed: ${out.reason}`);
  return out;
}
// biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
const least = (xs: bigint[]): bigint => xs.reduce((m, x) => (x < m ? x : m));
const firstBytes = (winners: { publicKey: Uint8Array }[]) => winners.map((w) => w.publicKey[0]);

describe("selectValidators: worked examples", () => {
  test("factor 3 caps a whale at three times the smallest winner", () => {
    const out = won(
      [offer(1, 100n), offer(2, 10n), offer(3, 10n)],
      rules({ minValidators: 3, maxStakeFactor: 3 * ONE }),
    );
    expect(out.totalStake).toBe(50n);
    expect(out.winners.map((w) => [w.publicKey[0], w.offered, w.stake, w.excess, w.weight])).toEqual([
      [1, 100n, 30n, 70n, 600_000_000],
      [2, 10n, 10n, 0n, 200_000_000],
      [3, 10n, 10n, 0n, 200_000_000],
    ]);
  });

  test("with the whale free to stand alone, its 100 beats the capped set's 50", () => {
    const out = won([offer(1, 100n), offer(2, 10n), offer(3, 10n)], rules({ minValidators: 1 }));
    expect(firstBytes(out.winners)).toEqual([1]);
    expect(out.winners[0].stake).toBe(100n);
    expect(out.winners[0].weight).toBe(1_000_000_000);
  });

  test("a larger set wins when it adds stake, and a small offer that would lower the cap is left out", () => {
    // factor 2: {100}=100, {100,90}=190, {100,90,80}=270, {..,10}=20+20+20+10=70
    const out = won(
      [offer(4, 10n), offer(3, 80n), offer(1, 100n), offer(2, 90n)],
      rules({ maxStakeFactor: 2 * ONE }),
    );
    expect(out.totalStake).toBe(270n);
    expect(firstBytes(out.winners)).toEqual([1, 2, 3]);
    expect(out.winners.map((w) => w.excess)).toEqual([0n, 0n, 0n]);
  });

  test("a tie keeps the smaller set", () => {
    // factor 1: {10}=10, {10,5}=5+5=10
    const out = won([offer(1, 10n), offer(2, 5n)], rules({ maxStakeFactor: ONE }));
    expect(firstBytes(out.winners)).toEqual([1]);
    expect(out.totalStake).toBe(10n);
  });

  test("fails when fewer eligible offers than minValidators", () => {
    const out = selectValidators([offer(1, 10n), offer(2, 10n)], rules({ minValidators: 3 }));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/minValidators/);
  });

  test("offers below minStake are not candidates, even toward minValidators", () => {
    const offers = [offer(1, 10n), offer(2, 10n), offer(3, 9n)];
    expect(selectValidators(offers, rules({ minValidators: 3, minStake: 10n })).ok).toBe(false);
    const out = won(offers, rules({ minValidators: 2, minStake: 10n }));
    expect(firstBytes(out.winners)).toEqual([1, 2]);
  });

  test("fails when the best total is below minTotalStake", () => {
    // factor 3: {100}=100, {100,50}=150
    const offers = [offer(1, 100n), offer(2, 50n)];
    const out = selectValidators(offers, rules({ minTotalStake: 151n }));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/minTotalStake/);
    expect(won(offers, rules({ minTotalStake: 150n })).totalStake).toBe(150n);
  });

  test("fails when no set has any stake", () => {
    const out = selectValidators([offer(1, 0n), offer(2, 0n)], rules({ minStake: 0n }));
    expect(out.ok).toBe(false);
  });

  test("the part of an offer above maxStake is excess", () => {
    const out = won([offer(1, 5000n), offer(2, 1000n)], rules({ maxStake: 1000n }));
    expect(out.totalStake).toBe(2000n);
    expect(out.winners.map((w) => [w.offered, w.stake, w.excess, w.weight])).toEqual([
      [5000n, 1000n, 4000n, 500_000_000],
      [1000n, 1000n, 0n, 500_000_000],
    ]);
  });

  test("above maxStake, the larger offer still ranks first", () => {
    const out = won(
      [offer(1, 3000n), offer(5, 1000n), offer(9, 5000n)],
      rules({ maxStake: 1000n, maxValidators: 2 }),
    );
    expect(firstBytes(out.winners)).toEqual([1, 9]);
  });

  test("maxValidators cuts the list", () => {
    const out = won(
      [offer(1, 100n), offer(2, 90n), offer(3, 80n), offer(4, 70n)],
      rules({ maxValidators: 2, maxStakeFactor: 10 * ONE }),
    );
    expect(firstBytes(out.winners)).toEqual([1, 2]);
    expect(out.totalStake).toBe(190n);
  });

  test("equal stakes rank by key, and winners come back in key order with floored weights", () => {
    const out = won(
      [offer(7, 50n), offer(3, 50n), offer(9, 50n), offer(5, 50n)],
      rules({ maxValidators: 3 }),
    );
    expect(firstBytes(out.winners)).toEqual([3, 5, 7]);
    expect(out.winners.map((w) => w.weight)).toEqual([333_333_333, 333_333_333, 333_333_333]);
  });

  test("leaves the caller's offers as they were", () => {
    const offers = [offer(2, 10n), offer(1, 20n), offer(3, 0n)];
    const copy = offers.map((o) => ({ publicKey: o.publicKey.slice(), stake: o.stake }));
    const out = won(offers, rules());
    out.winners[0].publicKey.fill(0xff);
    expect(offers).toEqual(copy);
  });
});

describe("selectValidators: misuse", () => {
  const ok = [offer(1, 10n), offer(2, 20n)];
  test.each([
    ["a short key", [{ publicKey: new Uint8Array(31), stake: 1n }], RangeError, /offers\[0\]\.publicKey/],
    [
      "a key that is not bytes",
      [{ publicKey: "ab" as unknown as Uint8Array, stake: 1n }],
      TypeError,
      /publicKey/,
    ],
    ["a duplicate key", [offer(1, 10n), offer(2, 5n), offer(1, 3n)], RangeError, /offers\[2\].*duplicate/],
    ["a negative stake", [offer(1, 10n), offer(2, -1n)], RangeError, /offers\[1\]\.stake/],
    [
      "a stake that is not a bigint",
      [{ publicKey: key(1), stake: 5 as unknown as bigint }],
      TypeError,
      /stake/,
    ],
    ["offers that are not an array", null as unknown as StakeOffer[], TypeError, /offers/],
  ] as const)("rejects %s", (_name, offers, kind, message) => {
    expect(() => selectValidators(offers as readonly StakeOffer[], rules())).toThrow(kind);
    expect(() => selectValidators(offers as readonly StakeOffer[], rules())).toThrow(message);
  });

  test.each([
    [{ minValidators: 0 }, RangeError, /minValidators/],
    [{ minValidators: 1.5 }, RangeError, /minValidators/],
    [{ minValidators: 3, maxValidators: 2 }, RangeError, /maxValidators/],
    [{ minStake: -1n }, RangeError, /minStake/],
    [{ minStake: 10n, maxStake: 9n }, RangeError, /maxStake/],
    [{ minStake: 0n, maxStake: 0n }, RangeError, /maxStake/],
    [{ minTotalStake: -1n }, RangeError, /minTotalStake/],
    [{ maxStakeFactor: ONE - 1 }, RangeError, /maxStakeFactor/],
    [{ maxStakeFactor: 1.5 * ONE + 0.5 }, RangeError, /maxStakeFactor/],
    [{ maxStake: 10 as unknown as bigint }, TypeError, /maxStake/],
    [{ maxValidators: "5" as unknown as number }, TypeError, /maxValidators/],
  ] as const)("rejects rules %o", (over, kind, message) => {
    const bad = rules(over as Partial<ElectionRules>);
    expect(() => selectValidators(ok, bad)).toThrow(kind);
    expect(() => selectValidators(ok, bad)).toThrow(message);
  });
});

describe("selectValidators: properties", () => {
  // Few distinct stake values so that ties, caps and failures all turn up.
  const stakeArb = fc.oneof(fc.bigInt({ min: 0n, max: 20n }), fc.bigInt({ min: 0n, max: 10n ** 12n }));
  const offersArb = fc.uniqueArray(
    fc.record({ publicKey: fc.uint8Array({ minLength: 32, maxLength: 32, max: 3 }), stake: stakeArb }),
    { selector: (o) => o.publicKey.join(","), maxLength: 25 },
  );
  const rulesArb = fc
    .record({
      minValidators: fc.integer({ min: 1, max: 4 }),
      extraValidators: fc.integer({ min: 0, max: 20 }),
      minStake: fc.bigInt({ min: 0n, max: 10n }),
      maxStakeAbove: fc.bigInt({ min: 0n, max: 10n ** 11n }),
      minTotalStake: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 12n })),
      maxStakeFactor: fc.integer({ min: ONE, max: 20 * ONE }),
    })
    .map(
      (r): ElectionRules => ({
        minValidators: r.minValidators,
        maxValidators: r.minValidators + r.extraValidators,
        minStake: r.minStake,
        maxStake: (r.minStake > 1n ? r.minStake : 1n) + r.maxStakeAbove,
        minTotalStake: r.minTotalStake,
        maxStakeFactor: r.maxStakeFactor,
      }),
    );

  test("winners keep stake + excess == offered, within the set's bounds", () => {
    fc.assert(
      fc.property(offersArb, rulesArb, (offers, r) => {
        const out = selectValidators(offers, r);
        if (!out.ok) return;
        expect(out.winners.length).toBeGreaterThanOrEqual(r.minValidators);
        expect(out.winners.length).toBeLessThanOrEqual(r.maxValidators);
        expect(out.totalStake).toBeGreaterThanOrEqual(r.minTotalStake);
        let sum = 0n;
        for (const w of out.winners) {
          expect(w.stake + w.excess).toBe(w.offered);
          expect(w.stake > 0n && w.stake <= r.maxStake && w.excess >= 0n).toBe(true);
          expect(w.offered).toBeGreaterThanOrEqual(r.minStake);
          sum += w.stake;
        }
        expect(sum).toBe(out.totalStake);
      }),
    );
  });

  test("no winner's stake exceeds factor × the smallest winner's stake", () => {
    fc.assert(
      fc.property(offersArb, rulesArb, (offers, r) => {
        const out = selectValidators(offers, r);
        if (!out.ok) return;
        const smallest = least(out.winners.map((w) => w.stake));
        const cap = (BigInt(r.maxStakeFactor) * smallest) >> 16n;
        for (const w of out.winners) expect(w.stake).toBeLessThanOrEqual(cap);
      }),
    );
  });

  test("weights sum to at most 1e9 and lose less than one per winner", () => {
    fc.assert(
      fc.property(offersArb, rulesArb, (offers, r) => {
        const out = selectValidators(offers, r);
        if (!out.ok) return;
        const sum = out.winners.reduce((s, w) => s + w.weight, 0);
        expect(out.winners.every((w) => Number.isSafeInteger(w.weight))).toBe(true);
        expect(sum).toBeLessThanOrEqual(1_000_000_000);
        expect(sum).toBeGreaterThan(1_000_000_000 - out.winners.length);
      }),
    );
  });

  test("the outcome does not depend on the order of the offers", () => {
    const arb = offersArb.chain((offers) =>
      fc.tuple(
        fc.constant(offers),
        fc.shuffledSubarray(offers, { minLength: offers.length, maxLength: offers.length }),
      ),
    );
    fc.assert(
      fc.property(arb, rulesArb, ([offers, shuffled], r) => {
        expect(selectValidators(shuffled, r)).toEqual(selectValidators(offers, r));
      }),
    );
  });

  test("winners come in ascending key order", () => {
    fc.assert(
      fc.property(offersArb, rulesArb, (offers, r) => {
        const out = selectValidators(offers, r);
        if (!out.ok) return;
        for (let i = 1; i < out.winners.length; i++)
          expect(compareBytes(out.winners[i - 1].publicKey, out.winners[i].publicKey)).toBeLessThan(0);
      }),
    );
  });

  test("no candidate left out offered more than the smallest winner's offer", () => {
    fc.assert(
      fc.property(offersArb, rulesArb, (offers, r) => {
        const out = selectValidators(offers, r);
        if (!out.ok) return;
        const chosen = new Set(out.winners.map((w) => w.publicKey.join(",")));
        const smallestOffer = least(out.winners.map((w) => w.offered));
        for (const o of offers)
          if (o.stake >= r.minStake && !chosen.has(o.publicKey.join(",")))
            expect(o.stake).toBeLessThanOrEqual(smallestOffer);
      }),
    );
  });
});
