// A round built by one validator, checked by re-execution on another, and written by both once a
// commit makes it final (consensus §1.1, chain §4).
import { describe, expect, test } from "vitest";
import { toHex } from "../bytes/index.ts";
import { decode, encode } from "../codec/index.ts";
import {
  commitOf,
  type Evidence,
  keyConsensusSigner,
  PRECOMMIT,
  PREVOTE,
  signVote,
} from "../consensus/index.ts";
import { MemoryStore } from "../store/index.ts";
import { VerifyPool } from "../verifier/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Candidate } from "./candidate.ts";
import { Chain, finalityError, MC_CHAIN, type RoundCandidate } from "./chain.ts";
import { ext, GENESIS_TIME, GRAM, keyOf, testGenesis, transfer, walletOf } from "./testkit.ts";

const keys = ["v0", "v1", "v2", "v3"].map(keyOf);
const validators = keys.map((k) => ({ publicKey: k.publicKey, stake: 10n }));
const genesis = testGenesis(
  [
    { seed: "alice", balance: 10n * GRAM },
    { seed: "bob", balance: GRAM },
  ],
  { validators },
);

async function node(i: number, dryRuns?: VerifyPool) {
  return Chain.init(new MemoryStore(), genesis, {
    host: createCachingHost(),
    signer: keyConsensusSigner(keys[i]),
    dryRuns,
  });
}

function commitFor(chain: Chain, c: RoundCandidate, signers: number[], round = 0) {
  return commitOf(
    signers.map((i) =>
      signVote(
        chain.genesisHash,
        { chain: MC_CHAIN, height: c.seqno, round, type: PRECOMMIT, value: c.hash },
        keyConsensusSigner(keys[i]),
      ),
    ),
  );
}

/** `built` goes over the wire to `checker`, checks there as the same round, and both write it. */
async function agree(builder: Chain, checker: Chain, built: RoundCandidate, signers: number[]) {
  const wire = decode(Candidate, encode(Candidate, built.wire).slice());
  const checked = await checker.checkRound(wire, GENESIS_TIME + 10n);
  expect(toHex(checked.hash)).toBe(toHex(built.hash));
  const commit = commitFor(builder, built, signers);
  await builder.commitRound(built, commit);
  await checker.commitRound(checked, commit);
}

describe("rounds between validators", () => {
  test("a forged message checked on a worker pool makes the round every validator makes, and rounds go on", async () => {
    const pool = new VerifyPool({ threads: 1 });
    try {
      const [a, b] = [await node(0), await node(1, pool)];
      const pay = [{ to: walletOf("bob"), valueNano: GRAM }];
      const good = ext(transfer("alice", 0n, pay));
      // Signed by bob for alice's wallet: refused when the wallet checks it.
      const forged = ext({ ...(transfer("bob", 0n, pay) as typeof good.message), dest: good.message.dest });
      const built = await a.buildRound(GENESIS_TIME + 5n, { shard: [forged, good], mc: [] });
      expect(built.shard.statuses.map((x) => x.status.kind)).toEqual(["refused", "final"]);
      await agree(a, b, built, [0, 1, 2]);
      // The next round, built where checks go to the pool (or inline after the forgery), is the
      // one the plain validator checks.
      const next = ext(transfer("alice", 1n, pay));
      const second = await b.buildRound(GENESIS_TIME + 6n, { shard: [next], mc: [] });
      await agree(b, a, second, [0, 1, 3]);
      expect(toHex(a.head.shard.header.stateRoot)).toBe(toHex(b.head.shard.header.stateRoot));
      expect(second.shard.statuses.map((x) => x.status.kind)).toEqual(["final"]);
    } finally {
      await pool.close();
    }
  });

  test("a round one validator builds is checked by another and written alike by both", async () => {
    const [a, b] = [await node(0), await node(1)];
    const pay = ext(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]));
    const built = await a.buildRound(GENESIS_TIME + 5n, { shard: [pay], mc: [] });
    // The wire form goes through the codec as it would over the network.
    const wire = decode(Candidate, encode(Candidate, built.wire).slice());
    const checked = await b.checkRound(wire, GENESIS_TIME + 10n);
    expect(toHex(checked.hash)).toBe(toHex(built.hash));
    const commit = commitFor(a, built, [0, 1, 2]);
    await a.commitRound(built, commit);
    await b.commitRound(checked, commit);
    expect(toHex(a.head.mc.hash)).toBe(toHex(b.head.mc.hash));
    expect(toHex(a.head.shard.header.stateRoot)).toBe(toHex(b.head.shard.header.stateRoot));
    const stored = await b.commit(b.head.mc.hash);
    expect(stored).not.toBeNull();
    expect(finalityError(b.genesisHash, validators, { seqno: 1n, hash: b.head.mc.hash }, stored)).toBeNull();
    expect(finalityError(b.genesisHash, validators, { seqno: 0n, hash: b.genesisHash }, null)).toBeNull();
    expect(finalityError(b.genesisHash, validators, { seqno: 1n, hash: b.head.mc.hash }, null)).toMatch(
      /no commit/,
    );
  });

  test("a candidate that lies, runs ahead of the clock, or comes from a stranger is refused", async () => {
    const [a, b] = [await node(0), await node(1)];
    const pay = ext(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]));
    const { wire } = await a.buildRound(GENESIS_TIME + 5n, { shard: [pay], mc: [] });
    // Copies that do not make the blocks they name are wrong copies; a genuine candidate that
    // breaks a rule is a bad one.
    const ahead = (await a.buildRound(GENESIS_TIME + 100n, { shard: [pay], mc: [] })).wire;
    const stranger = (
      await a.buildRound(GENESIS_TIME + 5n, { shard: [pay], mc: [] }, keyOf("stranger").publicKey)
    ).wire;
    const cases: [Candidate, string, RegExp][] = [
      [{ ...wire, mcHash: new Uint8Array(32) }, "CHAIN_CANDIDATE_MISMATCH", /not what its messages make/],
      [{ ...wire, shardExternals: [] }, "CHAIN_CANDIDATE_MISMATCH", /not what its messages make/],
      [{ ...wire, time: wire.time + 1n }, "CHAIN_CANDIDATE_MISMATCH", /not what its messages make/],
      [{ ...wire, time: GENESIS_TIME + 100n }, "CHAIN_CANDIDATE_MISMATCH", /not what its messages make/],
      [{ ...wire, shardExternals: [Uint8Array.of(1, 2, 3)] }, "CHAIN_CANDIDATE_MISMATCH", /does not decode/],
      [{ ...wire, mcExternals: wire.shardExternals }, "CHAIN_CANDIDATE_MISMATCH", /not an external message/],
      [ahead, "CHAIN_BAD_CANDIDATE", /ahead of this node's clock/],
      [stranger, "CHAIN_BAD_CANDIDATE", /not a validator/],
    ];
    for (const [bad, code, why] of cases)
      await expect(b.checkRound(bad, GENESIS_TIME + 10n)).rejects.toMatchObject({
        code,
        message: expect.stringMatching(why),
      });
    // Refusals leave nothing behind: the honest candidate still checks and commits.
    const ok = await b.checkRound(wire, GENESIS_TIME + 10n);
    await b.commitRound(ok, commitFor(b, ok, [0, 1, 3]));
    expect(b.head.mc.header.seqno).toBe(1n);
    // A message made final is not run again, whoever offers it.
    const again = await b.buildRound(GENESIS_TIME + 6n, { shard: [pay], mc: [] });
    await expect(b.checkRound(again.wire, GENESIS_TIME + 10n)).rejects.toMatchObject({
      code: "CHAIN_BAD_CANDIDATE",
      message: expect.stringContaining("final block already"),
    });
  });

  test("a commit for another block, or a round built on an older head, is not written", async () => {
    const a = await node(0);
    const first = await a.buildRound(GENESIS_TIME + 1n, { shard: [], mc: [] });
    const stale = await a.buildRound(GENESIS_TIME + 2n, { shard: [], mc: [] });
    const other = commitFor(a, stale, [0, 1, 2]);
    await expect(a.commitRound(first, other)).rejects.toThrow(/not for masterchain block 1/);
    await a.commitRound(first, commitFor(a, first, [0, 1, 2]));
    await expect(a.commitRound(stale, commitFor(a, stale, [0, 1, 2]))).rejects.toThrow(
      /does not follow the head/,
    );
    expect(a.head.mc.hash).toEqual(first.hash);
  });

  test("a node that holds under 2/3 of the stake cannot make a round final on its own", async () => {
    const a = await node(0);
    await expect(a.produceRound(GENESIS_TIME + 1n, { shard: [], mc: [] })).rejects.toThrow(
      /does not make the block final/,
    );
  });

  test("evidence of double signing is recorded once by a final block, and forgeries are refused", async () => {
    const [a, b] = [await node(0), await node(1)];
    const vote = (value: number, signer = 3) =>
      signVote(
        a.genesisHash,
        { chain: MC_CHAIN, height: 1n, round: 0, type: PREVOTE, value: new Uint8Array(32).fill(value) },
        keyConsensusSigner(keyOf(`v${signer}`)),
      );
    const evidence: Evidence = { first: vote(1), second: vote(2) };
    const built = await a.buildRound(GENESIS_TIME + 5n, { shard: [], mc: [] }, undefined, [evidence]);
    expect(built.mc.header.evidence).toHaveLength(1);
    const wire = decode(Candidate, encode(Candidate, built.wire).slice());
    const checked = await b.checkRound(wire, GENESIS_TIME + 10n);
    expect(toHex(checked.hash)).toBe(toHex(built.hash));
    const refusals: [string, Evidence[]][] = [
      ["the same value twice", [{ first: vote(1), second: vote(1) }]],
      ["a stranger's votes", [{ first: vote(1, 9), second: vote(2, 9) }]],
      ["a forged signature", [{ first: vote(1), second: { ...vote(2), signature: vote(3).signature } }]],
      ["one double signing twice", [evidence, { first: vote(2), second: vote(1) }]],
    ];
    for (const [why, list] of refusals) {
      const lie = await a.buildRound(GENESIS_TIME + 5n, { shard: [], mc: [] }, undefined, list);
      await expect(b.checkRound(lie.wire, GENESIS_TIME + 10n), why).rejects.toMatchObject({
        code: "CHAIN_BAD_CANDIDATE",
      });
    }
    await b.commitRound(checked, commitFor(b, checked, [0, 1, 2]));
    expect(await b.evidenceRecorded(evidence)).toBe(true);
    const again = await b.buildRound(GENESIS_TIME + 6n, { shard: [], mc: [] }, undefined, [evidence]);
    await expect(b.checkRound(again.wire, GENESIS_TIME + 10n)).rejects.toMatchObject({
      code: "CHAIN_BAD_CANDIDATE",
      message: expect.stringContaining("recorded already"),
    });
  });
});
