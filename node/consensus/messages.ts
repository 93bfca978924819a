// The consensus messages (consensus §3): votes, proposals, commit certificates and evidence, and
// the bytes each signature covers. A signature covers the network (its genesis hash), the chain,
// the height, the round and the kind of message, so no signature can be replayed on another
// network, chain, height, round or step.
import { compareBytes, equalBytes } from "../bytes/index.ts";
import { encode, type Infer, t } from "../codec/index.ts";
import { sign, verify } from "../crypto/index.ts";

/** A chain a consensus instance decides: a workchain's shard, or the masterchain. */
export const ChainId = t.struct("ChainId", { workchain: t.i64, shard: t.u64 });
export type ChainId = Infer<typeof ChainId>;

export const PREVOTE = 1;
export const PRECOMMIT = 2;
export type VoteType = typeof PREVOTE | typeof PRECOMMIT;

/** Rounds a height may take before its messages are refused (consensus §3.1). */
export const MAX_ROUND = 1_000_000;

/** consensus §3.2: a validator's prevote or precommit; a null value is a vote for nothing. */
export const Vote = t.struct("Vote", {
  chain: ChainId,
  height: t.u64,
  round: t.u32,
  type: t.u8,
  value: t.optional(t.bytes(32)),
  validator: t.bytes(32),
  signature: t.bytes(64),
});
export type Vote = Infer<typeof Vote>;

/** consensus §3.3: the round's proposer names a candidate; `validRound` is -1 or the round it was seen valid in. */
export const Proposal = t.struct("Proposal", {
  chain: ChainId,
  height: t.u64,
  round: t.u32,
  validRound: t.i64,
  value: t.bytes(32),
  proposer: t.bytes(32),
  signature: t.bytes(64),
});
export type Proposal = Infer<typeof Proposal>;

export const CommitSignature = t.struct("CommitSignature", {
  validator: t.bytes(32),
  signature: t.bytes(64),
});
export type CommitSignature = Infer<typeof CommitSignature>;

/** consensus §3.4: the precommits of more than 2/3 of the stake for one value in one round. */
export const Commit = t.struct("Commit", {
  chain: ChainId,
  height: t.u64,
  round: t.u32,
  value: t.bytes(32),
  signatures: t.list(CommitSignature, 1_000),
});
export type Commit = Infer<typeof Commit>;

/** consensus §5: two votes of one validator for one step that name different values. */
export const Evidence = t.struct("Evidence", { first: Vote, second: Vote });
export type Evidence = Infer<typeof Evidence>;

const VoteSigned = t.struct("VoteSigned", {
  domain: t.string(64),
  network: t.bytes(32),
  chain: ChainId,
  height: t.u64,
  round: t.u32,
  type: t.u8,
  value: t.optional(t.bytes(32)),
});

const ProposalSigned = t.struct("ProposalSigned", {
  domain: t.string(64),
  network: t.bytes(32),
  chain: ChainId,
  height: t.u64,
  round: t.u32,
  validRound: t.i64,
  value: t.bytes(32),
});

const VOTE_DOMAIN = "gram/consensus/vote";
const PROPOSAL_DOMAIN = "gram/consensus/proposal";

export type VoteBody = Omit<Vote, "validator" | "signature">;
export type ProposalBody = Omit<Proposal, "proposer" | "signature">;

/** consensus §3.2: the bytes a vote's signature covers. */
export function voteSigningBytes(network: Uint8Array, v: VoteBody): Uint8Array {
  return encode(VoteSigned, {
    domain: VOTE_DOMAIN,
    network,
    chain: v.chain,
    height: v.height,
    round: v.round,
    type: v.type,
    value: v.value,
  });
}

/** consensus §3.3: the bytes a proposal's signature covers. */
export function proposalSigningBytes(network: Uint8Array, p: ProposalBody): Uint8Array {
  return encode(ProposalSigned, {
    domain: PROPOSAL_DOMAIN,
    network,
    chain: p.chain,
    height: p.height,
    round: p.round,
    validRound: p.validRound,
    value: p.value,
  });
}

/** Signs for one validator key; the node's key stays behind it. */
export interface ConsensusSigner {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function keyConsensusSigner(key: { publicKey: Uint8Array; secretKey: Uint8Array }): ConsensusSigner {
  return { publicKey: key.publicKey, sign: (m) => sign(m, key.secretKey) };
}

export function signVote(network: Uint8Array, body: VoteBody, signer: ConsensusSigner): Vote {
  return {
    ...body,
    validator: signer.publicKey,
    signature: signer.sign(voteSigningBytes(network, body)),
  };
}

export function signProposal(network: Uint8Array, body: ProposalBody, signer: ConsensusSigner): Proposal {
  return {
    ...body,
    proposer: signer.publicKey,
    signature: signer.sign(proposalSigningBytes(network, body)),
  };
}

export function verifyVote(network: Uint8Array, v: Vote): boolean {
  return verify(v.signature, voteSigningBytes(network, v), v.validator);
}

export function verifyProposal(network: Uint8Array, p: Proposal): boolean {
  return verify(p.signature, proposalSigningBytes(network, p), p.proposer);
}

/** consensus §3.2: the checks a decoded vote passes before anything else sees it (signature aside). */
export function voteShapeError(v: Vote): string | null {
  if (v.type !== PREVOTE && v.type !== PRECOMMIT)
    return `vote type ${v.type} is neither prevote nor precommit`;
  if (v.round > MAX_ROUND) return `round ${v.round} is past the limit of ${MAX_ROUND}`;
  return null;
}

export function proposalShapeError(p: Proposal): string | null {
  if (p.round > MAX_ROUND) return `round ${p.round} is past the limit of ${MAX_ROUND}`;
  if (p.validRound < -1n || p.validRound >= BigInt(p.round))
    return `valid round ${p.validRound} is not -1 or a round before ${p.round}`;
  return null;
}

/** The commit of `votes` (precommits for one value in one round), in validator key order. */
export function commitOf(votes: readonly Vote[]): Commit {
  const first = votes[0];
  if (first === undefined || first.value === null) throw new Error("a commit needs precommits for a value");
  const signatures = votes
    .map((v) => ({ validator: v.validator, signature: v.signature }))
    .sort((a, b) => compareBytes(a.validator, b.validator));
  return { chain: first.chain, height: first.height, round: first.round, value: first.value, signatures };
}

export function sameChain(a: ChainId, b: ChainId): boolean {
  return a.workchain === b.workchain && a.shard === b.shard;
}

/**
 * Why `e` is not evidence of double signing by a member of `set` (consensus §5.2), or null: two
 * well-formed votes of one member for one step (chain, height, round, type), naming different
 * values, each signed by it.
 */
export function evidenceError(
  network: Uint8Array,
  isMember: (key: Uint8Array) => boolean,
  e: Evidence,
): string | null {
  const { first: a, second: b } = e;
  const shape = voteShapeError(a) ?? voteShapeError(b);
  if (shape !== null) return shape;
  if (
    !equalBytes(a.validator, b.validator) ||
    !sameChain(a.chain, b.chain) ||
    a.height !== b.height ||
    a.round !== b.round ||
    a.type !== b.type
  )
    return "its votes are not for one step of one validator";
  if (a.value === null ? b.value === null : b.value !== null && equalBytes(a.value, b.value))
    return "its votes name the same value";
  if (!isMember(a.validator)) return "its validator is not a member";
  if (!verifyVote(network, a) || !verifyVote(network, b)) return "a signature does not verify";
  return null;
}
