import { describe, expect, test } from "vitest";
import { keyPairFromSeed, sha256, verify } from "../crypto/index.ts";
import { HeightMachine, type Output, type Timeouts } from "./machine.ts";
import {
  type ChainId,
  commitOf,
  keyConsensusSigner,
  PRECOMMIT,
  PREVOTE,
  type Proposal,
  signProposal,
  signVote,
  type Vote,
} from "./messages.ts";
import { commitError, commitSignatureChecks, ValidatorSet } from "./validatorSet.ts";

const network = sha256(Uint8Array.of(1));
const chain: ChainId = { workchain: -1n, shard: 0x8000_0000_0000_0000n };
const keys = [0, 1, 2, 3].map((i) => keyPairFromSeed(sha256(Uint8Array.of(9, i))));
const signers = keys.map(keyConsensusSigner);
const set = new ValidatorSet(keys.map((k) => ({ publicKey: k.publicKey, stake: 10n })));
const timeouts: Timeouts = { proposeMs: 1000, prevoteMs: 500, precommitMs: 500, deltaMs: 100 };
const value = (n: number) => sha256(Uint8Array.of(0xee, n));
/** The signer of the member at place `p` in key order. */
const at = (p: number) => signers[keys.findIndex((k) => set.indexOf(k.publicKey) === p)];

function machine(self: number, height = 5n, restored?: { votes: Vote[]; proposals: Proposal[] }) {
  return new HeightMachine({ network, chain, height, validators: set, signer: at(self), timeouts, restored });
}
const vote = (p: number, round: number, type: number, v: Uint8Array | null, height = 5n) =>
  signVote(network, { chain, height, round, type, value: v }, at(p));
const proposal = (round: number, v: Uint8Array, validRound = -1, height = 5n) =>
  signProposal(
    network,
    { chain, height, round, validRound: BigInt(validRound), value: v },
    at(set.proposer(chain, height, round)),
  );
const votesOf = (out: Output[]) => out.flatMap((o) => (o.kind === "vote" ? [o.vote] : []));

describe("the height machine", () => {
  test("a valid proposal and the prevotes and precommits of 3 of 4 decide it, with a commit that checks", () => {
    const self = (set.proposer(chain, 5n, 0) + 1) % 4;
    const m = machine(self);
    expect(m.start().map((o) => o.kind)).toEqual(["timer"]);
    const p = proposal(0, value(1));
    expect(m.handle({ kind: "proposal", proposal: p })).toEqual([{ kind: "validate", value: value(1) }]);
    const prevote = votesOf(m.handle({ kind: "validated", value: value(1), valid: true }));
    expect(prevote.map((v) => [v.type, v.value])).toEqual([[PREVOTE, value(1)]]);
    const others = [0, 1, 2, 3].filter((p) => p !== self);
    m.handle({ kind: "vote", vote: vote(others[0], 0, PREVOTE, value(1)) });
    const precommit = votesOf(m.handle({ kind: "vote", vote: vote(others[1], 0, PREVOTE, value(1)) }));
    expect(precommit.map((v) => [v.type, v.value])).toEqual([[PRECOMMIT, value(1)]]);
    expect(m.locked?.round).toBe(0);
    m.handle({ kind: "vote", vote: vote(others[0], 0, PRECOMMIT, value(1)) });
    const out = m.handle({ kind: "vote", vote: vote(others[1], 0, PRECOMMIT, value(1)) });
    const decided = out.find((o) => o.kind === "decide");
    expect(decided?.kind === "decide" && decided.commit.value).toEqual(value(1));
    if (decided?.kind !== "decide") throw new Error("no decision");
    expect(commitError(network, set, decided.commit)).toBeNull();
  });

  test("an invalid proposal gets a nil prevote, and so does one that arrives after the timeout", () => {
    const m = machine((set.proposer(chain, 5n, 0) + 1) % 4);
    m.start();
    m.handle({ kind: "proposal", proposal: proposal(0, value(2)) });
    expect(votesOf(m.handle({ kind: "validated", value: value(2), valid: false }))[0].value).toBeNull();
    const late = machine((set.proposer(chain, 5n, 0) + 1) % 4);
    late.start();
    expect(votesOf(late.handle({ kind: "timeout", round: 0, step: "propose" }))[0].value).toBeNull();
    expect(votesOf(late.handle({ kind: "proposal", proposal: proposal(0, value(2)) }))).toEqual([]);
  });

  test("a locked member prevotes nil for another value, unless the re-proposal shows a newer polka", () => {
    const self = [0, 1, 2, 3].find(
      (p) => p !== set.proposer(chain, 5n, 0) && p !== set.proposer(chain, 5n, 1),
    ) as number;
    const m = machine(self);
    m.start();
    m.handle({ kind: "proposal", proposal: proposal(0, value(1)) });
    m.handle({ kind: "validated", value: value(1), valid: true });
    const others = [0, 1, 2, 3].filter((p) => p !== self);
    for (const p of others.slice(0, 2)) m.handle({ kind: "vote", vote: vote(p, 0, PREVOTE, value(1)) });
    expect(m.locked?.value).toEqual(value(1));
    m.handle({ kind: "timeout", round: 0, step: "precommit" }); // no effect: no precommit quorum timer yet
    for (const p of others) m.handle({ kind: "vote", vote: vote(p, 0, PRECOMMIT, null) });
    m.handle({ kind: "timeout", round: 0, step: "precommit" });
    expect(m.round).toBe(1);
    m.handle({ kind: "proposal", proposal: proposal(1, value(3)) });
    expect(votesOf(m.handle({ kind: "validated", value: value(3), valid: true }))[0].value).toBeNull();
  });

  test("after a restart from its log a member never signs a second, different vote for a step", () => {
    const self = (set.proposer(chain, 5n, 0) + 1) % 4;
    const first = machine(self);
    first.start();
    first.handle({ kind: "proposal", proposal: proposal(0, value(1)) });
    const before = votesOf(first.handle({ kind: "validated", value: value(1), valid: true }));
    expect(before).toHaveLength(1);
    // The process dies; its log holds the prevote. Restarted, it times out in the same round.
    const again = machine(self, 5n, { votes: before, proposals: [] });
    const resumed = again.start();
    expect(again.round).toBe(0);
    expect(again.step).toBe("prevote");
    expect(votesOf(resumed)).toEqual(before);
    expect(votesOf(again.handle({ kind: "timeout", round: 0, step: "propose" }))).toEqual([]);
    // A precommit it signed before the crash keeps it locked on that value afterwards.
    const locked = machine(self, 5n, {
      votes: [...before, vote(self, 0, PRECOMMIT, value(1))],
      proposals: [],
    });
    locked.start();
    expect(locked.locked).toEqual({ value: value(1), round: 0 });
    expect(locked.step).toBe("precommit");
  });

  test("messages for another chain or height, from non-members or from the wrong proposer change nothing", () => {
    const self = (set.proposer(chain, 5n, 0) + 1) % 4;
    const m = machine(self);
    m.start();
    const stranger = keyConsensusSigner(keyPairFromSeed(sha256(Uint8Array.of(77))));
    const notProposer = at((set.proposer(chain, 5n, 0) + 2) % 4);
    const inputs = [
      { kind: "proposal" as const, proposal: proposal(0, value(1), -1, 6n) },
      {
        kind: "proposal" as const,
        proposal: { ...proposal(0, value(1)), chain: { workchain: 0n, shard: chain.shard } },
      },
      {
        kind: "proposal" as const,
        proposal: signProposal(
          network,
          { chain, height: 5n, round: 0, validRound: -1n, value: value(1) },
          notProposer,
        ),
      },
      {
        kind: "vote" as const,
        vote: signVote(network, { chain, height: 5n, round: 0, type: PREVOTE, value: null }, stranger),
      },
      { kind: "vote" as const, vote: { ...vote(0, 0, PREVOTE, null), type: 7 } },
    ];
    for (const input of inputs) expect(m.handle(input)).toEqual([]);
    expect([m.round, m.step]).toEqual([0, "propose"]);
  });

  test("a member that votes twice in a step is reported once, with both signed votes", () => {
    const m = machine(0);
    m.start();
    m.handle({ kind: "vote", vote: vote(1, 0, PREVOTE, value(1)) });
    const out = m.handle({ kind: "vote", vote: vote(1, 0, PREVOTE, value(2)) });
    const evidence = out.filter((o) => o.kind === "evidence");
    expect(evidence).toHaveLength(1);
    expect(
      m.handle({ kind: "vote", vote: vote(1, 0, PREVOTE, null) }).filter((o) => o.kind === "evidence"),
    ).toEqual([]);
  });

  test("more than 1/3 of the stake seen in a later round moves a member there", () => {
    const m = machine(0);
    m.start();
    m.handle({ kind: "vote", vote: vote(1, 4, PREVOTE, null) });
    expect(m.round).toBe(0);
    m.handle({ kind: "vote", vote: vote(2, 6, PRECOMMIT, null) });
    expect(m.round).toBe(4);
  });
});

describe("validator sets and commits", () => {
  test("proposers are drawn by stake, and each later round passes to the next member", () => {
    const weighted = new ValidatorSet(
      keys.map((k, i) => ({ publicKey: k.publicKey, stake: BigInt(10 * (i + 1)) })),
    );
    const counts = [0, 0, 0, 0];
    for (let h = 0n; h < 4_000n; h++) counts[weighted.proposer(chain, h, 0)]++;
    for (let p = 0; p < 4; p++) {
      const expected = (4_000 * Number(weighted.members[p].stake)) / 100;
      expect(Math.abs(counts[p] - expected)).toBeLessThan(expected * 0.15);
    }
    const r0 = weighted.proposer(chain, 9n, 0);
    expect([1, 2, 3, 4].map((r) => weighted.proposer(chain, 9n, r))).toEqual(
      [1, 2, 3, 4].map((r) => (r0 + r) % 4),
    );
  });

  test("a commit is refused when short of 2/3, signed twice by one key, by a stranger, or forged", () => {
    const votes = [0, 1, 2].map((p) => vote(p, 2, PRECOMMIT, value(4)));
    const commit = commitOf(votes);
    expect(commitError(network, set, commit)).toBeNull();
    expect(commitError(network, set, commitOf(votes.slice(0, 2)))).toMatch(/not more than 2\/3/);
    expect(
      commitError(network, set, { ...commit, signatures: [...commit.signatures, commit.signatures[0]] }),
    ).toMatch(/twice/);
    const stranger = keyConsensusSigner(keyPairFromSeed(sha256(Uint8Array.of(78))));
    const foreign = signVote(
      network,
      { chain, height: 5n, round: 2, type: PRECOMMIT, value: value(4) },
      stranger,
    );
    expect(commitError(network, set, commitOf([...votes, foreign]))).toMatch(/not a validator/);
    expect(commitError(network, set, { ...commit, height: 6n })).toMatch(/bad signature/);
    expect(commitError(sha256(Uint8Array.of(2)), set, commit)).toMatch(/bad signature/);
  });

  test("a commit's signatures checked ahead (elsewhere) give commitError the same answers", () => {
    const votes = [0, 1, 2].map((p) => vote(p, 2, PRECOMMIT, value(4)));
    const commit = commitOf(votes);
    const verdictsOf = (c: typeof commit, net = network) =>
      commitSignatureChecks(net, set, c)!.map((x) => verify(x.signature, x.message, x.publicKey));
    expect(verdictsOf(commit)).toEqual([true, true, true]);
    expect(commitError(network, set, commit, verdictsOf(commit))).toBeNull();
    const moved = { ...commit, height: 6n };
    expect(verdictsOf(moved)).toEqual([false, false, false]);
    expect(commitError(network, set, moved, verdictsOf(moved))).toMatch(/bad signature/);
    // A verdict decides: a false one refuses the commit even if the signature is good.
    expect(commitError(network, set, commit, [true, false, true])).toMatch(/bad signature/);
    expect(commitError(network, set, commitOf(votes.slice(0, 2)), [true, true])).toMatch(
      /not more than 2\/3/,
    );
    expect(() => commitError(network, set, commit, [true])).toThrow(/1 verdicts for 3/);
  });

  test("validator sets refuse no members, no stake and a key twice", () => {
    expect(() => new ValidatorSet([])).toThrow(/at least one/);
    expect(() => new ValidatorSet([{ publicKey: keys[0].publicKey, stake: 0n }])).toThrow(/no stake/);
    expect(() => new ValidatorSet([...set.members, set.members[0]])).toThrow(/twice/);
  });
});
