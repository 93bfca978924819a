// The one composition root (DESIGN §1): a node is its data directory's store and chain, the
// mempool in front of it, the block loop — consensus with its peers over libp2p, or, for a
// network of one validator, the producer alone — and the JSON-RPC server, wired here, once, with
// the clock, the logger and the metrics handed in. Everything below takes (options, deps).
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { apiMethods, rawAddress, statusView } from "./api/index.ts";
import { toHex } from "./bytes/index.ts";
import { Chain, keySigner, MC_CHAIN, PREFIX, type RoundResult } from "./chain/index.ts";
import { VoteLog } from "./consensus/index.ts";
import {
  FILES,
  type NodeConfig,
  readGenesis,
  readKey,
  readNodeConfig,
  readNodeKey,
} from "./datadir/index.ts";
import { Mempool, MempoolJournal } from "./mempool/index.ts";
import { type P2P, startP2P } from "./p2p/index.ts";
import { Producer } from "./producer/index.ts";
import { createRpcServer, type RpcServer } from "./rpc/index.ts";
import { LevelStore } from "./store/index.ts";
import { ConsensusDriver, p2pLimits } from "./validator/index.ts";
import { VerifyPool } from "./verifier/index.ts";
import { createCachingHost } from "./vmhost/index.ts";

export interface NodeOptions {
  dataDir: string;
  /** These override the data directory's node.json (chain §6.1). */
  rpcHost?: string;
  /** 0 picks a free port. */
  rpcPort?: number;
  minBlockIntervalMs?: number;
  idleBlockIntervalMs?: number;
  /** The rest of node.json's settings, replaced whole where given. */
  config?: Partial<NodeConfig>;
  /** Signature verification threads; by default one fewer than the cores, at least one. */
  verifierThreads?: number;
  logger?: Logger;
  /** Unix seconds; the system clock by default. */
  now?: () => bigint;
  /** A fault for tests: the node with this validator key double-signs from `from` on (staking §6). */
  equivocate?: { publicKey: string; from: bigint };
}

export interface RunningNode {
  rpcUrl: string;
  chain: Chain;
  logger: Logger;
  /** The network side, when the node has peers (a network of more than one validator). */
  p2p: P2P | null;
  /** Resolves when the node stops by itself after a fatal error. */
  failed: Promise<unknown>;
  close(): Promise<void>;
}

const systemNow = () => BigInt(Math.floor(Date.now() / 1000));

export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const logger = options.logger ?? pino({ level: "info" });
  const now = options.now ?? systemNow;
  const genesis = await readGenesis(join(options.dataDir, FILES.genesis));
  const key = await readKey(options.dataDir);
  const store = await LevelStore.open(join(options.dataDir, FILES.db));
  // Incoming messages are run and their signatures checked on the other cores (node/verifier).
  const verifier = new VerifyPool({
    threads: options.verifierThreads,
    onWorkerError: (err) => logger.error({ err }, "a signature verification worker failed"),
  });
  const host = createCachingHost();
  let chain: Chain;
  try {
    chain = await Chain.open(store, { host, signer: keySigner(key), dryRuns: verifier });
  } catch (e) {
    await verifier.close();
    await store.close();
    throw e;
  }
  let journal: MempoolJournal;
  try {
    journal = await MempoolJournal.open(join(options.dataDir, FILES.journal));
  } catch (e) {
    await verifier.close();
    await store.close();
    throw e;
  }
  const config = await readNodeConfig(options.dataDir);
  Object.assign(config, options.config);
  config.consensus = {
    ...config.consensus,
    ...(options.minBlockIntervalMs !== undefined && { minBlockIntervalMs: options.minBlockIntervalMs }),
    ...(options.idleBlockIntervalMs !== undefined && { idleBlockIntervalMs: options.idleBlockIntervalMs }),
  };
  // A validator alone is the whole network: it needs no peers and decides each round by itself.
  const alone = chain.validatorSet.size === 1 && config.p2p.bootstrap.length === 0;
  let loop: { poke(): void; start(): void; stop(): Promise<void> } | null = null;
  let driver: ConsensusDriver | null = null;
  const mempool = new Mempool(
    {},
    {
      chain,
      journal,
      store,
      now,
      onAccepted: (m, origin) => {
        loop?.poke();
        // What this node's clients send goes to the other validators, the next proposer among them.
        if (origin === "local") driver?.relay(m.bytes);
      },
    },
  );
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const m = {
    rounds: new Counter({
      name: "chain_rounds_total",
      help: "Rounds of blocks committed",
      registers: [metrics],
    }),
    txs: new Counter({
      name: "chain_transactions_total",
      help: "Transactions in committed blocks",
      registers: [metrics],
    }),
    roundSeconds: new Histogram({
      name: "chain_round_seconds",
      help: "Time to build and write one round",
      registers: [metrics],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    height: new Gauge({
      name: "chain_masterchain_seqno",
      help: "Newest final masterchain block",
      registers: [metrics],
    }),
    pending: new Gauge({
      name: "mempool_messages",
      help: "Messages waiting for a block",
      registers: [metrics],
      collect() {
        this.set(mempool.size);
      },
    }),
    consensusHeight: new Gauge({
      name: "consensus_height",
      help: "Masterchain height being decided (chain=-1:8000000000000000)",
      labelNames: ["chain"],
      registers: [metrics],
      collect() {
        if (driver !== null) this.set({ chain: "mc" }, Number(driver.status.height));
      },
    }),
    consensusRound: new Gauge({
      name: "consensus_round",
      help: "Round of the height being decided (the slot)",
      labelNames: ["chain"],
      registers: [metrics],
      collect() {
        if (driver !== null) this.set({ chain: "mc" }, driver.status.round);
      },
    }),
    votesMissed: new Gauge({
      name: "consensus_votes_missed_total",
      help: "Final blocks whose commit lacks this validator's precommit",
      labelNames: ["chain"],
      registers: [metrics],
      collect() {
        if (driver !== null) this.set({ chain: "mc" }, driver.status.missed);
      },
    }),
    syncLag: new Gauge({
      name: "consensus_sync_lag_blocks",
      help: "Heights between the newest one peers vote on and this node's",
      labelNames: ["chain"],
      registers: [metrics],
      collect() {
        if (driver !== null) this.set({ chain: "mc" }, Number(driver.status.behind));
      },
    }),
    peers: new Gauge({
      name: "p2p_peers",
      help: "Connected peers",
      registers: [metrics],
      collect() {
        this.set(p2p?.peers().length ?? 0);
      },
    }),
  };
  m.height.set(Number(chain.head.mc.header.seqno));

  let rpc: RpcServer | null = null;
  let resolveFailed: (e: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => {
    resolveFailed = resolve;
  });
  let p2p: P2P | null = null;
  const deps = { chain, mempool, host, network: genesis.network, now, peers: () => p2p?.peers().length ?? 0 };
  const publish = (round: RoundResult) => {
    if (rpc === null) return;
    rpc.publish("blocks", undefined, {
      masterchain: { seqno: Number(round.mc.header.seqno), hash: toHex(round.mc.hash) },
      basechain: { seqno: Number(round.shard.header.seqno), hash: toHex(round.shard.hash) },
      transactions: round.txs.length,
    });
    // Keys cost a hex string each, thousands a round: none are made for a topic nobody follows.
    if (rpc.subscribed("account"))
      for (const tx of round.txs)
        rpc.publish("account", rawAddress(tx.account), () => ({
          transaction: toHex(tx.hash),
          lt: tx.lt.toString(),
        }));
    if (rpc.subscribed("message"))
      for (const s of round.statuses)
        rpc.publish("message", toHex(s.hash), () => statusView(s.hash, s.status, false));
  };
  const onRound = (round: RoundResult, ms: number) => {
    m.rounds.inc();
    m.txs.inc(round.txs.length);
    m.roundSeconds.observe(ms / 1000);
    m.height.set(Number(round.mc.header.seqno));
    if (round.txs.length > 0)
      logger.info(
        { module: "chain", mc: Number(round.mc.header.seqno), txs: round.txs.length, ms: Math.round(ms) },
        "round",
      );
    publish(round);
  };
  const onFatal = (e: unknown) => {
    logger.fatal({ err: e }, "a round failed; the node stops so that nothing half-done is served");
    resolveFailed(e);
  };
  try {
    if (alone) {
      loop = new Producer(
        {
          minIntervalMs: config.consensus.minBlockIntervalMs,
          idleIntervalMs: config.consensus.idleBlockIntervalMs,
          maxRoundMessages: config.consensus.maxRoundMessages,
        },
        { chain, mempool, now, onRound, onFatal },
      );
    } else {
      p2p = await startP2P(
        {
          nodeKey: await readNodeKey(options.dataDir),
          host: config.p2p.host,
          port: config.p2p.port,
          bootstrap: config.p2p.bootstrap,
          ...p2pLimits(chain.genesisHash, MC_CHAIN),
        },
        { logger },
      );
      driver = new ConsensusDriver(config.consensus, {
        chain,
        mempool,
        p2p,
        voteLog: new VoteLog(store, PREFIX.VOTE_LOG),
        // It signs while its key is in the set in force (staking §2.2): elections change it.
        signer: keySigner(key),
        logger,
        now,
        onRound,
        onFatal,
        verify: (checks) => verifier.verify(checks),
        ...(options.equivocate !== undefined &&
          options.equivocate.publicKey === toHex(key.publicKey) && {
            equivocateFrom: options.equivocate.from,
          }),
      });
      loop = driver;
    }
    // Once the driver is there, so the restored messages of this node's clients are passed on to
    // the other validators (when the first peer is in) as when they came.
    const restored = await mempool.restore();
    if (restored > 0)
      logger.info({ messages: restored }, "accepted messages from before the restart wait again");
    if (journal.droppedBytes > 0)
      logger.warn(
        { bytes: journal.droppedBytes },
        "the mempool journal ended in a write cut short; no message in it was answered accepted",
      );
    rpc = await createRpcServer(
      {
        host: options.rpcHost ?? config.rpc.host,
        port: options.rpcPort ?? config.rpc.port,
        topics: {
          blocks: { keyed: false },
          account: { keyed: true, normalizeKey: (k) => k.toLowerCase() },
          message: { keyed: true, normalizeKey: (k) => k.toLowerCase() },
        },
      },
      {
        methods: apiMethods(deps),
        logger,
        metrics,
        health: () => ({ masterchain: Number(chain.head.mc.header.seqno), pendingMessages: mempool.size }),
        ready: () => {
          if (driver === null) return { ready: true };
          const st = driver.status;
          // Voting on the newest height: not syncing, and a third of the stake not seen more than a
          // height ahead.
          return {
            ready: !st.syncing && st.behind <= 1n && st.step !== "sync",
            height: Number(st.height),
            round: st.round,
            behind: Number(st.behind),
            peers: p2p?.peers().length ?? 0,
          };
        },
      },
    );
  } catch (e) {
    await p2p?.close();
    await verifier.close();
    await journal.close();
    await store.close();
    throw e;
  }
  loop.start();
  logger.info(
    {
      module: "node",
      rpc: rpc.url,
      validator: toHex(key.publicKey),
      seqno: Number(chain.head.mc.header.seqno),
      ...(p2p !== null && { peerId: p2p.peerId, p2p: p2p.addresses }),
    },
    "node started",
  );
  let closing: Promise<void> | null = null;
  return {
    rpcUrl: rpc.url,
    chain,
    logger,
    p2p,
    failed,
    close() {
      closing ??= (async () => {
        await loop?.stop();
        await rpc?.close();
        await p2p?.close();
        await verifier.close();
        await journal.close();
        await store.close();
      })();
      return closing;
    },
  };
}
