// Four validators in one process, each a whole node (store, mempool, consensus, RPC) talking to
// the others over real libp2p on loopback: they agree on every block, a transfer sent to any of
// them becomes final, and a validator that stops and comes back catches up and votes again.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { equalBytes, toHex } from "./bytes/index.ts";
import { MC_CHAIN } from "./chain/index.ts";
import { GRAM, keyOf, testGenesis, transfer, walletOf } from "./chain/testkit.ts";
import { encode } from "./codec/index.ts";
import { keyConsensusSigner, PREVOTE, signVote, Vote } from "./consensus/index.ts";
import { sha256 } from "./crypto/index.ts";
import { initDataDir, writeNodeKey } from "./datadir/index.ts";
import { Message } from "./ledger/index.ts";
import { type RunningNode, startNode } from "./node.ts";
import { peerIdOf, startP2P } from "./p2p/index.ts";
import { p2pLimits, topicsOf } from "./validator/index.ts";

const N = 4;
const keys = Array.from({ length: N }, (_, i) => keyOf(`network validator ${i}`));
const nodeKeys = Array.from({ length: N }, (_, i) => sha256(new TextEncoder().encode(`network node ${i}`)));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function call(url: string, method: string, params?: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field as a client would
  return (await res.json()) as { result?: any; error?: { code: number; message: string } };
}

let root: string;
let ports: number[];
const nodes: (RunningNode | null)[] = Array(N).fill(null);

function configOf(i: number) {
  return {
    p2p: {
      host: "127.0.0.1",
      port: ports[i],
      bootstrap: ports
        .map((p, j) => `/ip4/127.0.0.1/tcp/${p}/p2p/${peerIdOf(nodeKeys[j])}`)
        .filter((_, j) => j !== i),
    },
    consensus: {
      proposeMs: 1_500,
      prevoteMs: 600,
      precommitMs: 600,
      deltaMs: 200,
      minBlockIntervalMs: 10,
      idleBlockIntervalMs: 150,
      resendMs: 300,
      maxRoundMessages: 1_000,
    },
  };
}

async function start(i: number): Promise<RunningNode> {
  const node = await startNode({
    dataDir: join(root, `v${i}`),
    rpcPort: 0,
    verifierThreads: 1,
    config: configOf(i),
    logger: pino({ level: "silent" }),
  });
  nodes[i] = node;
  return node;
}

const seqnoOf = (n: RunningNode) => n.chain.head.mc.header.seqno;
const live = () => nodes.filter((n): n is RunningNode => n !== null);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-network-"));
  ports = await Promise.all(keys.map(() => freePort()));
  const genesis = {
    ...testGenesis([{ seed: "alice", balance: 10n * GRAM }], {
      validators: keys.map((k) => ({ publicKey: k.publicKey, stake: 100n })),
    }),
    time: BigInt(Math.floor(Date.now() / 1000)),
  };
  for (let i = 0; i < N; i++) {
    await initDataDir(join(root, `v${i}`), genesis, keys[i]);
    await writeNodeKey(join(root, `v${i}`), nodeKeys[i]);
  }
  await Promise.all(keys.map((_, i) => start(i)));
}, 30_000);

afterAll(async () => {
  await Promise.all(live().map((n) => n.close()));
  await rm(root, { recursive: true, force: true });
});

/** Every live node holds the same masterchain block at each height they all have. */
async function expectOneChain(): Promise<bigint> {
  const ns = live();
  // biome-ignore lint/complexity/useMathMinMax: heights are bigints, which Math.min does not take
  const common = ns.map(seqnoOf).reduce((a, b) => (a < b ? a : b));
  for (let s = 1n; s <= common; s++) {
    const hashes = await Promise.all(ns.map((n) => n.chain.blockHashAt(-1n, s)));
    for (const h of hashes) expect(h !== null && hashes[0] !== null && equalBytes(h, hashes[0])).toBe(true);
  }
  return common;
}

describe("four validators over libp2p", () => {
  test("finalize the same blocks, each with a commit of more than 2/3 of the stake", async () => {
    await until("three final blocks everywhere", () =>
      live().every((n) => seqnoOf(n) >= 3n) ? true : undefined,
    );
    expect(await expectOneChain()).toBeGreaterThanOrEqual(3n);
    const n = nodes[0] as RunningNode;
    const commit = await n.chain.commit(n.chain.head.mc.hash);
    expect(commit?.signatures.length).toBeGreaterThanOrEqual(3);
    const info = await call(n.rpcUrl, "getChainInfo");
    expect(info.result?.validators).toBe(N);
    expect(info.result?.peers).toBeGreaterThanOrEqual(1);
    const ready = await fetch(`${n.rpcUrl}/ready`);
    expect([200, 503]).toContain(ready.status);
    const metrics = await (await fetch(`${n.rpcUrl}/metrics`)).text();
    expect(metrics).toMatch(/p2p_peers [1-9]/);
    expect(metrics).toMatch(/consensus_height\{chain="mc"\} \d+/);
  }, 30_000);

  test("a transfer sent to one validator is final on all of them", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: 2n * GRAM }], now + 60n);
    const target = nodes[3] as RunningNode;
    const sent = await call(target.rpcUrl, "sendMessage", { message: toHex(encode(Message, m)) });
    expect(sent.result?.status).toBe("accepted");
    for (const n of live()) {
      const status = await until("final everywhere", async () => {
        const s = await call(n.rpcUrl, "getMessageStatus", { hash: sent.result.hash });
        return s.result?.status === "final" ? s.result : undefined;
      });
      expect(status.exitCode).toBe(0);
    }
    await expectOneChain();
  }, 30_000);

  test("with one validator stopped the others go on, and it catches up when it returns", async () => {
    await (nodes[1] as RunningNode).close();
    nodes[1] = null;
    const at = seqnoOf(nodes[0] as RunningNode);
    await until("blocks without validator 1", () =>
      live().every((n) => seqnoOf(n) >= at + 3n) ? true : undefined,
    );
    const back = await start(1);
    await until("validator 1 caught up", () =>
      seqnoOf(back) >= seqnoOf(nodes[0] as RunningNode) ? true : undefined,
    );
    const later = seqnoOf(nodes[0] as RunningNode) + 2n;
    await until("blocks with all four", () => (live().every((n) => seqnoOf(n) >= later) ? true : undefined));
    await expectOneChain();
  }, 60_000);

  test("a peer that double-signs is recorded as evidence; garbage and replays change nothing", async () => {
    const n0 = nodes[0] as RunningNode;
    const network = n0.chain.genesisHash;
    const rogue = await startP2P(
      {
        nodeKey: sha256(new TextEncoder().encode("rogue")),
        host: "127.0.0.1",
        port: 0,
        bootstrap: [`/ip4/127.0.0.1/tcp/${ports[0]}/p2p/${peerIdOf(nodeKeys[0])}`],
        ...p2pLimits(network, MC_CHAIN),
      },
      { logger: pino({ level: "silent" }) },
    );
    try {
      const topics = topicsOf(network, MC_CHAIN);
      await until("the rogue joins", () => (rogue.peers().length > 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1_500)); // gossipsub learns the topics on its heartbeat
      // Two heights on: the votes wait for their height, which begins before they could be stale.
      const height = seqnoOf(n0) + 2n;
      const vote = (fill: number) =>
        signVote(
          network,
          { chain: MC_CHAIN, height, round: 1, type: PREVOTE, value: new Uint8Array(32).fill(fill) },
          keyConsensusSigner(keys[2]),
        );
      const first = vote(7);
      await rogue.publish(topics.vote, encode(Vote, first));
      await rogue.publish(topics.vote, encode(Vote, vote(8)));
      await until(
        "the double signing recorded",
        () => n0.chain.evidenceRecorded({ first, second: first }).then((yes) => (yes ? true : undefined)),
        20_000,
      );
      // A member that signs for a height far ahead holds a quarter of the stake, not more than a
      // third: the node does not count itself that far behind, and stays ready.
      const ahead = signVote(
        network,
        { chain: MC_CHAIN, height: height + 1_000_000n, round: 0, type: PREVOTE, value: null },
        keyConsensusSigner(keys[2]),
      );
      await rogue.publish(topics.vote, encode(Vote, ahead));
      await new Promise((r) => setTimeout(r, 300));
      const ready = await until("node 0 ready despite the vote far ahead", async () => {
        const answer = await fetch(`${n0.rpcUrl}/ready`);
        return answer.status === 200 ? ((await answer.json()) as { behind: number }) : undefined;
      });
      expect(ready.behind).toBeLessThanOrEqual(1);
      // Replays of what is recorded and of old votes are ignored; garbage costs the rogue its link.
      const at = seqnoOf(n0);
      await rogue.publish(topics.vote, encode(Vote, first));
      for (let i = 0; i < 20; i++) {
        await rogue.publish(topics.vote, Uint8Array.of(0x93, i, 2, 3));
        await rogue.publish(topics.proposal, new Uint8Array(100).fill(i));
        await rogue.publish(topics.messages, Uint8Array.of(0xc1));
      }
      await until("the rogue is cut off", () => (rogue.peers().length === 0 ? true : undefined));
      await until("the chain goes on", () => (live().every((n) => seqnoOf(n) >= at + 2n) ? true : undefined));
      await expectOneChain();
    } finally {
      await rogue.close();
    }
  }, 60_000);
});
