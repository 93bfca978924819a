// Sync against a peer answering from its own chain: batch after batch (each asked for while the
// last is written), every commit checked by the verifier it is given, and a peer whose commit
// carries a forged signature penalized with nothing of its written.
import { pino } from "pino";
import { describe, expect, test } from "vitest";
import { toHex } from "../bytes/index.ts";
import { Chain, MC_CHAIN, type RoundCandidate } from "../chain/index.ts";
import { GENESIS_TIME, GRAM, keyOf, testGenesis } from "../chain/testkit.ts";
import { decode, encode } from "../codec/index.ts";
import {
  commitOf,
  keyConsensusSigner,
  PRECOMMIT,
  type SignatureCheck,
  signVote,
} from "../consensus/index.ts";
import { verify } from "../crypto/index.ts";
import type { P2P } from "../p2p/index.ts";
import { MemoryStore } from "../store/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Syncer } from "./sync.ts";
import { PROTOCOLS, type SyncedRound, SyncResponse } from "./wire.ts";

type RequestHandler = Parameters<P2P["handle"]>[1];

const keys = ["v0", "v1", "v2", "v3"].map(keyOf);
const genesis = testGenesis([{ seed: "alice", balance: GRAM }], {
  validators: keys.map((k) => ({ publicKey: k.publicKey, stake: 10n })),
});
const logger = pino({ level: "silent" });
const chainOf = (i: number) =>
  Chain.init(new MemoryStore(), genesis, { host: createCachingHost(), signer: keyConsensusSigner(keys[i]) });

const commitFor = (chain: Chain, c: RoundCandidate) =>
  commitOf(
    [0, 1, 2].map((i) =>
      signVote(
        chain.genesisHash,
        { chain: MC_CHAIN, height: c.seqno, round: 0, type: PRECOMMIT, value: c.hash },
        keyConsensusSigner(keys[i]),
      ),
    ),
  );

/** A chain of `rounds` empty rounds, each written with a commit of three validators. */
async function source(rounds: number): Promise<Chain> {
  const chain = await chainOf(0);
  for (let r = 1; r <= rounds; r++) {
    const built = await chain.buildRound(GENESIS_TIME + BigInt(r), { shard: [], mc: [] });
    await chain.commitRound(built, commitFor(chain, built));
  }
  return chain;
}

/** The part of P2P sync uses: one peer, "server", answered by `serve`; penalties recorded. */
function fakeP2P(serve: () => RequestHandler) {
  const handlers = new Map<string, RequestHandler>();
  const penalties: string[] = [];
  const p2p = {
    peers: () => ["server"],
    handle: (protocol: string, handler: RequestHandler) => handlers.set(protocol, handler),
    request: (_peer: string, _protocol: string, data: Uint8Array) => serve()(data, "client"),
    penalize: (_peer: string, _points: number, reason: string) => penalties.push(reason),
  } as unknown as P2P;
  return { p2p, handlers, penalties };
}

/** A peer that answers with its own Syncer's handler, from `chain`. */
function servedBy(chain: Chain) {
  const served = fakeP2P(() => served.handlers.get(PROTOCOLS.sync)!);
  new Syncer({
    chain,
    p2p: served.p2p,
    logger,
    enqueue: () => {},
    apply: async () => {},
    beforeApply: () => {},
    afterSync: () => {},
  }).serve();
  return served;
}

/** A peer that answers as `chain`'s would, with the commit of `height` changed by `alter`. */
function lyingAbout(chain: Chain, height: bigint, alter: (commit: SyncedRound["commit"]) => void) {
  const honest = servedBy(chain);
  return fakeP2P(() => async (data, from) => {
    const answer = decode(SyncResponse, await honest.handlers.get(PROTOCOLS.sync)!(data, from));
    for (const r of answer.rounds) if (r.commit.height === height) alter(r.commit);
    return encode(SyncResponse, answer);
  });
}

/** Syncs `follower` from whatever `serve` answers; resolves once the sync is over. */
function syncOnce(
  follower: Chain,
  p2p: P2P,
  verify: (checks: readonly SignatureCheck[]) => Promise<boolean[]>,
) {
  return new Promise<void>((resolve) => {
    let queue = Promise.resolve();
    const syncer = new Syncer({
      chain: follower,
      p2p,
      logger,
      verify,
      enqueue: (task) => {
        queue = queue.then(task);
      },
      apply: async () => {},
      beforeApply: () => {},
      afterSync: () => resolve(),
    });
    syncer.poke("server");
  });
}

const verifyHere = async (checks: readonly SignatureCheck[]) =>
  checks.map((c) => verify(c.signature, c.message, c.publicKey));

describe("sync", () => {
  test("a new node writes every round of a longer chain, batch after batch, each commit checked", async () => {
    const server = await source(300);
    const served = servedBy(server);
    const follower = await chainOf(1);
    let checks = 0;
    await syncOnce(follower, served.p2p, async (list) => {
      checks += list.length;
      return verifyHere(list);
    });
    expect(follower.head.mc.header.seqno).toBe(300n);
    expect(toHex(follower.head.mc.hash)).toBe(toHex(server.head.mc.hash));
    // Three signatures a round, each checked by the verifier sync was given.
    expect(checks).toBe(900);
    expect(served.penalties).toEqual([]);
  });

  test("a forged commit signature stops the batch there and costs the peer; what came before is written", async () => {
    // A lying peer: the honest answer with one bit of round 5's first signature flipped.
    const lying = lyingAbout(await source(8), 5n, (commit) => {
      const signature = commit.signatures[0].signature.slice();
      signature[9] ^= 1;
      commit.signatures[0] = { ...commit.signatures[0], signature };
    });
    const follower = await chainOf(1);
    await syncOnce(follower, lying.p2p, verifyHere);
    expect(follower.head.mc.header.seqno).toBe(4n);
    expect(lying.penalties.length).toBeGreaterThanOrEqual(1);
    expect(lying.penalties[0]).toMatch(/sync: commit carries a bad signature/);
  });

  test("a peer cannot make the node check more signatures than the validators hold", async () => {
    // Round 3's commit carries one member's signature 1,000 times.
    const lying = lyingAbout(await source(4), 3n, (commit) => {
      commit.signatures = Array.from({ length: 1_000 }, () => commit.signatures[0]);
    });
    const follower = await chainOf(1);
    const asked: number[] = [];
    await syncOnce(follower, lying.p2p, async (list) => {
      asked.push(list.length);
      return verifyHere(list);
    });
    expect(follower.head.mc.header.seqno).toBe(2n);
    expect(lying.penalties[0]).toMatch(/sync: commit signed twice/);
    expect(Math.max(...asked)).toBeLessThanOrEqual(keys.length);
  });

  test("the verifier's verdict decides: a signature it refuses is not taken", async () => {
    const server = await source(3);
    const served = servedBy(server);
    const follower = await chainOf(1);
    await syncOnce(follower, served.p2p, async (list) => list.map(() => false));
    expect(follower.head.mc.header.seqno).toBe(0n);
    expect(served.penalties[0]).toMatch(/bad signature/);
  });
});
