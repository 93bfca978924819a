// The consensus driver against a stand-in network: what its clients sent while no peer was there
// (a node that starts with messages its mempool restored, or one cut off) goes out once one is.
import { pino } from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { Chain } from "../chain/index.ts";
import { GENESIS_TIME, GRAM, keyOf, testGenesis, transfer, walletOf } from "../chain/testkit.ts";
import { decode, encode } from "../codec/index.ts";
import { keyConsensusSigner, VoteLog } from "../consensus/index.ts";
import { DEFAULT_CONSENSUS } from "../datadir/index.ts";
import { Message } from "../ledger/index.ts";
import { Mempool } from "../mempool/index.ts";
import { type P2P, P2PError } from "../p2p/index.ts";
import { MemoryStore } from "../store/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { ConsensusDriver } from "./driver.ts";
import { MessagesMessage } from "./wire.ts";

const keys = ["v0", "v1", "v2", "v3"].map(keyOf);
const genesis = testGenesis([{ seed: "alice", balance: 10n * GRAM }], {
  validators: keys.map((k) => ({ publicKey: k.publicKey, stake: 10n })),
});

/** A network of no peers until `connect`, which brings one that hears every publish. */
function standIn() {
  let peers: string[] = [];
  const listeners: Array<(peer: string, connected: boolean) => void> = [];
  const published: { topic: string; data: Uint8Array; recipients: number }[] = [];
  const p2p = {
    peerId: "self",
    addresses: [],
    subscribe: () => {},
    handle: () => {},
    publish: async (topic: string, data: Uint8Array) => {
      published.push({ topic, data, recipients: peers.length });
      return peers.length;
    },
    request: async () => {
      throw new P2PError("P2P_NO_PEER", "no such peer");
    },
    peers: () => peers,
    penalize: () => {},
    score: () => 0,
    onPeer: (listener: (peer: string, connected: boolean) => void) => listeners.push(listener),
    close: async () => {},
  } as P2P;
  const connect = () => {
    peers = ["peer"];
    for (const l of listeners) l("peer", true);
  };
  return { p2p, published, connect };
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
});
