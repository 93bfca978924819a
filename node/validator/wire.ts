// What validators send each other over the network (consensus §8): the gossip topics of a chain
// and the request protocols, each with its codec schema and size cap. Every inbound message is
// decoded by these schemas before anything else looks at it.
import { toHex } from "../bytes/index.ts";
import { Candidate } from "../chain/index.ts";
import { type Infer, t } from "../codec/index.ts";
import { type ChainId, Commit, Proposal, Vote } from "../consensus/index.ts";

/** A proposal travels with its candidate, so a validator can check it without asking (consensus §8.1). */
export const ProposalMessage = t.struct(
  "ProposalMessage",
  { proposal: Proposal, candidate: t.optional(Candidate) },
  { maxBytes: 17 * 1024 * 1024 },
);
export type ProposalMessage = Infer<typeof ProposalMessage>;

export const VoteMessage = Vote;

/** External messages a node accepted from its clients, batched (chain §7.4). */
export const MAX_RELAYED = 1_024;
export const MessagesMessage = t.struct(
  "MessagesMessage",
  { messages: t.list(t.varBytes(64 * 1024), MAX_RELAYED) },
  { maxBytes: 4 * 1024 * 1024 },
);

/** consensus §8.2: the rounds from masterchain seqno `from` on, at most `count` of them. */
export const SyncRequest = t.struct("SyncRequest", { from: t.u64, count: t.u32 });
export const SyncedRound = t.struct("SyncedRound", { candidate: Candidate, commit: Commit });
export type SyncedRound = Infer<typeof SyncedRound>;
export const MAX_SYNC_BYTES = 32 * 1024 * 1024;
export const SyncResponse = t.struct(
  "SyncResponse",
  { rounds: t.list(SyncedRound, 1_024) },
  { maxBytes: MAX_SYNC_BYTES },
);

/** consensus §8.3: a candidate by the hash of its masterchain block. */
export const CandidateRequest = t.struct("CandidateRequest", { hash: t.bytes(32) });

export const PROTOCOLS = {
  sync: "/gram/sync/1",
  candidate: "/gram/candidate/1",
} as const;

const chainName = (c: ChainId) => `${c.workchain}:${c.shard.toString(16).padStart(16, "0")}`;

/** Topics are per network and per chain, so two local networks never mix their messages. */
export function topicsOf(network: Uint8Array, chain: ChainId) {
  const base = `/gram/${toHex(network).slice(0, 16)}/${chainName(chain)}`;
  return {
    proposal: `${base}/proposal`,
    vote: `${base}/vote`,
    messages: `${base}/messages`,
  };
}

export function p2pLimits(network: Uint8Array, chain: ChainId) {
  const topics = topicsOf(network, chain);
  return {
    topics: {
      [topics.proposal]: { maxBytes: 17 * 1024 * 1024 },
      [topics.vote]: { maxBytes: 1_024 },
      [topics.messages]: { maxBytes: 4 * 1024 * 1024 },
    },
    protocols: {
      [PROTOCOLS.sync]: { maxRequestBytes: 64, maxResponseBytes: MAX_SYNC_BYTES },
      [PROTOCOLS.candidate]: { maxRequestBytes: 64, maxResponseBytes: 17 * 1024 * 1024 },
    },
  };
}
