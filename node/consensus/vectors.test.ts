// Runs specs/vectors/consensus: who proposes (computed outside the node) and the bytes each
// signature covers (consensus §2.3, §3).
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { fromHex, toHex } from "../bytes/index.ts";
import { keyPairFromSeed, verify } from "../crypto/index.ts";
import {
  keyConsensusSigner,
  proposalSigningBytes,
  signProposal,
  signVote,
  verifyProposal,
  verifyVote,
  voteSigningBytes,
} from "./messages.ts";
import { ValidatorSet } from "./validatorSet.ts";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../specs/vectors/consensus/${name}`, import.meta.url), "utf8"));
const hex = (s: string) => fromHex(s) as Uint8Array;
type JsonChain = { workchain: string; shard: string };
const chainOf = (c: JsonChain) => ({ workchain: BigInt(c.workchain), shard: BigInt(c.shard) });

describe("consensus vectors", () => {
  test("proposers.json: the proposer of every (chain, height, round)", () => {
    const sets = read("proposers.json") as {
      members: { publicKey: string; stake: string }[];
      cases: { chain: JsonChain; height: string; round: number; proposer: string }[];
    }[];
    let checked = 0;
    for (const s of sets) {
      const set = new ValidatorSet(
        s.members.map((m) => ({ publicKey: hex(m.publicKey), stake: BigInt(m.stake) })),
      );
      for (const c of s.cases) {
        const p = set.proposer(chainOf(c.chain), BigInt(c.height), c.round);
        expect(toHex(set.members[p].publicKey)).toBe(c.proposer);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  test("signing.json: the signed bytes and signatures of votes and proposals", () => {
    const v = read("signing.json");
    const network = hex(v.network);
    const signer = keyConsensusSigner(keyPairFromSeed(hex(v.signerSeed)));
    expect(toHex(signer.publicKey)).toBe(v.publicKey);
    for (const x of v.votes) {
      const body = {
        chain: chainOf(x.chain),
        height: BigInt(x.height),
        round: x.round,
        type: x.type,
        value: x.value === null ? null : hex(x.value),
      };
      expect(toHex(voteSigningBytes(network, body))).toBe(x.signingBytes);
      const vote = signVote(network, body, signer);
      expect(toHex(vote.signature)).toBe(x.signature);
      expect(verifyVote(network, vote)).toBe(true);
      expect(verifyVote(network, { ...vote, round: vote.round + 1 })).toBe(false);
      expect(verify(vote.signature, hex(x.signingBytes), signer.publicKey)).toBe(true);
    }
    for (const x of v.proposals) {
      const body = {
        chain: chainOf(x.chain),
        height: BigInt(x.height),
        round: x.round,
        validRound: BigInt(x.validRound),
        value: hex(x.value),
      };
      expect(toHex(proposalSigningBytes(network, body))).toBe(x.signingBytes);
      const p = signProposal(network, body, signer);
      expect(toHex(p.signature)).toBe(x.signature);
      expect(verifyProposal(network, p)).toBe(true);
      expect(verifyProposal(network, { ...p, validRound: p.validRound + 1n })).toBe(false);
    }
  });
});
