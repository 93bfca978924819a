// The consensus driver against a stand-in network: what its clients sent while no peer was there
// (a node that starts with messages its mempool restored, or one cut off) goes out once one is;
// a peer that connects just before the height changes gets the new height's messages once it has
// settled, not a resend interval later; a proposer puts no more messages in a round than its
// node's maxRoundMessages.
import { pino } from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { Chain, MC_CHAIN } from "../chain/index.ts";
import { GENESIS_TIME, GRAM, keyOf, testGenesis, transfer, walletOf } from "../chain/testkit.ts";
import { decode, encode } from "../codec/index.ts";
import {
  keyConsensusSigner,
  PRECOMMIT,
  PREVOTE,
  signVote,
  ValidatorSet,
  type Vote,
  VoteLog,
  type VoteType,
} from "../consensus/index.ts";
import { DEFAULT_CONSENSUS } from "../datadir/index.ts";
import { Message } from "../ledger/index.ts";
import { Mempool } from "../mempool/index.ts";
import { type P2P, P2PError } from "../p2p/index.ts";
import { MemoryStore } from "../store/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { ConsensusDriver } from "./driver.ts";
import { MessagesMessage, ProposalMessage, VoteMessage } from "./wire.ts";

const keys = ["v0", "v1", "v2", "v3"].map(keyOf);
const genesis = testGenesis([{ seed: "alice", balance: 10n * GRAM }], {
  validators: keys.map((k) => ({ publicKey: k.publicKey, stake: 10n })),
});

/**
 * A network of no peers until `connect`, which brings one that hears every publish once it has
 * settled (told which topics it reads): at once, or when the test calls `settle`.
 */
function standIn() {
  let peers: string[] = [];
  let settled = false;
  const listeners: Array<(peer: string, connected: boolean) => void> = [];
  const handlers = new Map<string, (data: Uint8Array, from: string) => void>();
  const published: { topic: string; data: Uint8Array; recipients: number }[] = [];
  const p2p = {
    peerId: "self",
    addresses: [],
    subscribe: (topic: string, handler: (data: Uint8Array, from: string) => void) => {
      handlers.set(topic, handler);
    },
    handle: () => {},
    publish: async (topic: string, data: Uint8Array) => {
      const recipients = settled ? peers.length : 0;
      published.push({ topic, data, recipients });
      return recipients;
    },
    request: async () => {
      throw new P2PError("P2P_NO_PEER", "no such peer");
    },
    peers: () => peers,
    penalize: () => {},
    score: () => 0,
    onPeer: (listener: (peer: string, connected: boolean) => void) => listeners.push(listener),
    close: async () => {},
  } as unknown as P2P;
  const connect = (options: { settled: boolean } = { settled: true }) => {
    peers = ["peer"];
    settled = options.settled;
    for (const l of listeners) l("peer", true);
  };
  const settle = () => {
    settled = true;
  };
  /** Hands `data` to the driver as if the peer had published it on the topic ending in `suffix`. */
  const deliver = (suffix: string, data: Uint8Array) => {
    const handler = [...handlers].find(([topic]) => topic.endsWith(suffix))?.[1];
    if (handler === undefined) throw new Error(`no subscription to a topic ending in ${suffix}`);
    handler(data, "peer");
  };
  return { p2p, published, connect, settle, deliver };
}

const drivers: ConsensusDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
});

const until = async (what: string, check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * A driver of the validator that proposes height 1, on `net`, with a chain in memory; `fill` gets
 * its mempool before it starts. Timeouts short, and no periodic resend unless `consensus` asks.
 */
async function startProposer(
  net: ReturnType<typeof standIn>,
  consensus: Partial<typeof DEFAULT_CONSENSUS>,
  peerSettleMs?: number,
  fill: (mempool: Mempool) => Promise<void> = async () => {},
) {
  const set = new ValidatorSet(keys.map((k) => ({ publicKey: k.publicKey, stake: 10n })));
  const mine = keys.find((k) => set.indexOf(k.publicKey) === set.proposer(MC_CHAIN, 1n, 0))!;
  const store = new MemoryStore();
  const chain = await Chain.init(store, genesis, {
    host: createCachingHost(),
    signer: keyConsensusSigner(mine),
  });
  const mempool = new Mempool({}, { chain, now: () => GENESIS_TIME });
  await fill(mempool);
  const driver = new ConsensusDriver(
    { ...DEFAULT_CONSENSUS, proposeMs: 20, idleBlockIntervalMs: 10, resendMs: 60_000, ...consensus },
    {
      chain,
      mempool,
      p2p: net.p2p,
      voteLog: new VoteLog(store, 0x57),
      signer: keyConsensusSigner(mine),
      logger: pino({ level: "silent" }),
      now: () => GENESIS_TIME + 1n,
      onRound: () => {},
      onFatal: (e) => {
        throw e;
      },
      ...(peerSettleMs !== undefined && { peerSettleMs }),
    },
  );
  drivers.push(driver);
  driver.start();
  return { chain, mine, mempool };
}

describe("the consensus driver", () => {
  test("passes on what its clients sent while no peer was there once one connects", async () => {
    const store = new MemoryStore();
    const chain = await Chain.init(store, genesis, {
      host: createCachingHost(),
      signer: keyConsensusSigner(keys[0]),
    });
    const net = standIn();
    const driver = new ConsensusDriver(
      { ...DEFAULT_CONSENSUS, resendMs: 50 },
      {
        chain,
        mempool: new Mempool({}, { chain, now: () => GENESIS_TIME }),
        p2p: net.p2p,
        voteLog: new VoteLog(store, 0x57),
        signer: null,
        logger: pino({ level: "silent" }),
        now: () => GENESIS_TIME,
        onRound: () => {},
        onFatal: (e) => {
          throw e;
        },
      },
    );
    drivers.push(driver);
    driver.start();
    const sent = encode(Message, transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]));
    driver.relay(sent);
    const batches = () => net.published.filter((p) => p.topic.endsWith("/messages"));
    await until("the batch published to nobody", () => batches().length === 1);
    expect(batches()[0].recipients).toBe(0);
    net.connect();
    await until("the batch sent again to the peer", () => batches().some((b) => b.recipients > 0));
    const again = batches().find((b) => b.recipients > 0)!;
    expect(decode(MessagesMessage, again.data).messages).toEqual([sent]);
    // Once delivered it is not sent again.
    const count = batches().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(batches().length).toBe(count);
  });

  test("sends the new height's messages to a peer that connected just before the height changed", async () => {
    // This node proposes height 1, so it has a candidate the others' votes can decide at once.
    const net = standIn();
    const settleMs = 1_500;
    // No periodic resend within the test: only the peer's settling can send anything again.
    const { chain, mine } = await startProposer(net, {}, settleMs);
    const others = keys.filter((k) => k !== mine);
    const heightOf = (p: { topic: string; data: Uint8Array }) =>
      p.topic.endsWith("/proposal")
        ? decode(ProposalMessage, p.data).proposal.height
        : p.topic.endsWith("/vote")
          ? decode(VoteMessage, p.data).height
          : -1n;
    await until("the proposal of height 1", () => net.published.some((p) => p.topic.endsWith("/proposal")));
    const { proposal } = decode(
      ProposalMessage,
      net.published.find((p) => p.topic.endsWith("/proposal"))!.data,
    );
    expect(proposal.height).toBe(1n);

    // The peer connects and, before it has settled, the others' votes end height 1.
    const connectedAt = Date.now();
    net.connect({ settled: false });
    const vote = (type: VoteType, k: (typeof keys)[number]): Vote =>
      signVote(
        chain.genesisHash,
        { chain: MC_CHAIN, height: 1n, round: 0, type, value: proposal.value },
        keyConsensusSigner(k),
      );
    for (const type of [PREVOTE, PRECOMMIT] as const)
      for (const k of others) net.deliver("/vote", encode(VoteMessage, vote(type, k)));
    await until("height 2's first message, sent to nobody", () =>
      net.published.some((p) => heightOf(p) === 2n),
    );
    // What follows holds only if the height changed before the peer's settle time ran out.
    expect(Date.now() - connectedAt).toBeLessThan(settleMs);
    expect(net.published.filter((p) => heightOf(p) === 2n).every((p) => p.recipients === 0)).toBe(true);
    net.settle();

    await until("height 2's messages sent again to the settled peer", () =>
      net.published.some((p) => heightOf(p) === 2n && p.recipients > 0),
    );
  });

  test("a proposer puts at most maxRoundMessages of the waiting messages in its candidate", async () => {
    const sent = [0n, 1n, 2n].map((seqno) =>
      encode(Message, transfer("alice", seqno, [{ to: walletOf("bob"), valueNano: GRAM }])),
    );
    const net = standIn();
    const { mempool } = await startProposer(net, { maxRoundMessages: 2 }, undefined, async (m) => {
      for (const bytes of sent) expect(m.admit(bytes)).toBe(true);
    });
    const proposal = () => net.published.find((p) => p.topic.endsWith("/proposal"));
    await until("the proposal of height 1", () => proposal() !== undefined);
    const { candidate } = decode(ProposalMessage, proposal()!.data);
    // The oldest two; the third waits for a later round.
    expect(candidate?.shardExternals).toEqual(sent.slice(0, 2));
    expect(mempool.size).toBe(3);
  });
});
