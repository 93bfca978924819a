// A chain's validator group as consensus counts it (consensus §2): members in public-key order,
// their stake, the two thresholds, and who proposes in each round.
import { compareBytes, equalBytes, toHex } from "../bytes/index.ts";
import { sha256 } from "../crypto/index.ts";
import { type ChainId, PRECOMMIT, verifyVote, voteSigningBytes } from "./messages.ts";

export interface Member {
  publicKey: Uint8Array;
  stake: bigint;
}

export class ValidatorSet {
  readonly members: readonly Member[];
  readonly total: bigint;
  readonly #index = new Map<string, number>();

  constructor(members: readonly Member[]) {
    if (members.length === 0) throw new RangeError("a validator set needs at least one member");
    const sorted = [...members].sort((a, b) => compareBytes(a.publicKey, b.publicKey));
    let total = 0n;
    for (const [i, m] of sorted.entries()) {
      if (m.publicKey.length !== 32) throw new RangeError("a validator key is 32 bytes");
      if (m.stake <= 0n) throw new RangeError(`validator ${toHex(m.publicKey)} has no stake`);
      if (i > 0 && equalBytes(sorted[i - 1].publicKey, m.publicKey))
        throw new RangeError(`validator ${toHex(m.publicKey)} is listed twice`);
      this.#index.set(toHex(m.publicKey), i);
      total += m.stake;
    }
    this.members = sorted;
    this.total = total;
  }

  get size(): number {
    return this.members.length;
  }

  /** The member's place in key order, or -1. */
  indexOf(publicKey: Uint8Array): number {
    return publicKey.length === 32 ? (this.#index.get(toHex(publicKey)) ?? -1) : -1;
  }

  /** consensus §2.2: more than 2/3 of the stake. */
  isQuorum(stake: bigint): boolean {
    return stake * 3n > this.total * 2n;
  }

  /** consensus §2.2: more than 1/3 of the stake, so at least one honest member among them. */
  isThird(stake: bigint): boolean {
    return stake * 3n > this.total;
  }

  /**
   * consensus §2.3: round 0's proposer is drawn by stake from a hash of the chain and height;
   * each later round passes to the next member in key order, so a silent member holds up at most
   * one round in a row.
   */
  proposer(chain: ChainId, height: bigint, round: number): number {
    const seed = new Uint8Array(8 + 8 + 8);
    const view = new DataView(seed.buffer);
    view.setBigInt64(0, chain.workchain);
    view.setBigUint64(8, chain.shard);
    view.setBigUint64(16, height);
    const digest = sha256(seed);
    let draw = 0n;
    for (let i = 0; i < 16; i++) draw = (draw << 8n) | BigInt(digest[i]);
    draw %= this.total;
    let first = 0;
    for (let acc = 0n; first < this.members.length; first++) {
      acc += this.members[first].stake;
      if (draw < acc) break;
    }
    return (first + (round % this.members.length)) % this.members.length;
  }
}

type CommitLike = {
  chain: ChainId;
  height: bigint;
  round: number;
  value: Uint8Array;
  signatures: readonly { validator: Uint8Array; signature: Uint8Array }[];
};

/** One ed25519 check: `verify(signature, message, publicKey)` of node/crypto. */
export interface SignatureCheck {
  message: Uint8Array;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

/**
 * The ed25519 checks of a commit's signatures, in its order: what a node that writes many
 * commits (sync) has done elsewhere, ahead of commitError. Null when the signers are not distinct
 * members of `set`: commitError refuses such a commit before it checks a signature, so nobody can
 * have more checks done ahead than the set has members.
 */
export function commitSignatureChecks(
  network: Uint8Array,
  set: ValidatorSet,
  commit: CommitLike,
): SignatureCheck[] | null {
  const signers = new Set<number>();
  for (const s of commit.signatures) {
    const i = set.indexOf(s.validator);
    if (i < 0 || signers.has(i)) return null;
    signers.add(i);
  }
  return commit.signatures.map((s) => ({
    message: voteSigningBytes(network, {
      chain: commit.chain,
      height: commit.height,
      round: commit.round,
      type: PRECOMMIT,
      value: commit.value,
    }),
    publicKey: s.validator,
    signature: s.signature,
  }));
}

/**
 * consensus §3.4: the stake a commit's valid, distinct signatures hold for its value, or an error
 * when they hold no more than 2/3 of it. The caller names the chain and height it expects.
 * `verdicts`, when given, are the results of `commitSignatureChecks` in order, checked already.
 */
export function commitError(
  network: Uint8Array,
  set: ValidatorSet,
  commit: CommitLike,
  verdicts?: readonly boolean[],
): string | null {
  if (verdicts !== undefined && verdicts.length !== commit.signatures.length)
    throw new RangeError(`${verdicts.length} verdicts for ${commit.signatures.length} signatures`);
  let stake = 0n;
  const seen = new Set<number>();
  for (const [k, s] of commit.signatures.entries()) {
    const i = set.indexOf(s.validator);
    if (i < 0) return `commit signed by ${toHex(s.validator)}, not a validator of this set`;
    if (seen.has(i)) return `commit signed twice by ${toHex(s.validator)}`;
    const valid =
      verdicts?.[k] ??
      verifyVote(network, {
        chain: commit.chain,
        height: commit.height,
        round: commit.round,
        type: PRECOMMIT,
        value: commit.value,
        validator: s.validator,
        signature: s.signature,
      });
    if (!valid) return `commit carries a bad signature of ${toHex(s.validator)}`;
    seen.add(i);
    stake += set.members[i].stake;
  }
  if (!set.isQuorum(stake)) return `commit holds ${stake} of ${set.total} stake, not more than 2/3`;
  return null;
}
