// The one composition root (DESIGN §1): a node is its data directory's store and chain, the
// mempool in front of it, the block loop, and the JSON-RPC server — wired here, once, with the
// clock, the logger and the metrics handed in. Everything below takes (options, deps).
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { apiMethods, rawAddress, statusView } from "./api/index.ts";
import { toHex } from "./bytes/index.ts";
import { Chain, keySigner, type RoundResult } from "./chain/index.ts";
import { FILES, readGenesis, readKey } from "./datadir/index.ts";
import { Mempool, MempoolJournal } from "./mempool/index.ts";
import { Producer } from "./producer/index.ts";
import { createRpcServer, type RpcServer } from "./rpc/index.ts";
import { LevelStore } from "./store/index.ts";
import { VerifyPool } from "./verifier/index.ts";
import { createCachingHost } from "./vmhost/index.ts";

export interface NodeOptions {
  dataDir: string;
  rpcHost?: string;
  /** 0 picks a free port. */
  rpcPort?: number;
  minBlockIntervalMs?: number;
  idleBlockIntervalMs?: number;
  /** Signature verification threads; by default one fewer than the cores, at least one. */
  verifierThreads?: number;
  logger?: Logger;
  /** Unix seconds; the system clock by default. */
  now?: () => bigint;
}

export interface RunningNode {
  rpcUrl: string;
  chain: Chain;
  logger: Logger;
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
  const mempool = new Mempool({}, { chain, journal, store, now, onAccepted: () => producer.poke() });
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
  };
  m.height.set(Number(chain.head.mc.header.seqno));

  let rpc: RpcServer | null = null;
  let resolveFailed: (e: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => {
    resolveFailed = resolve;
  });
  const deps = { chain, mempool, host, network: genesis.network, now };
  const publish = (round: RoundResult) => {
    if (rpc === null) return;
    rpc.publish("blocks", undefined, {
      masterchain: { seqno: Number(round.mc.header.seqno), hash: toHex(round.mc.hash) },
      basechain: { seqno: Number(round.shard.header.seqno), hash: toHex(round.shard.hash) },
      transactions: round.txs.length,
    });
    for (const tx of round.txs)
      rpc.publish("account", rawAddress(tx.account), () => ({
        transaction: toHex(tx.hash),
        lt: tx.lt.toString(),
      }));
    for (const s of round.statuses)
      rpc.publish("message", toHex(s.hash), () => statusView(s.hash, s.status, false));
  };
  const producer = new Producer(
    { minIntervalMs: options.minBlockIntervalMs, idleIntervalMs: options.idleBlockIntervalMs },
    {
      chain,
      mempool,
      now,
      onRound: (round, ms) => {
        m.rounds.inc();
        m.txs.inc(round.txs.length);
        m.roundSeconds.observe(ms / 1000);
        m.height.set(Number(round.mc.header.seqno));
        if (round.txs.length > 0)
          logger.info(
            { mc: Number(round.mc.header.seqno), txs: round.txs.length, ms: Math.round(ms) },
            "round",
          );
        publish(round);
      },
      onFatal: (e) => {
        logger.fatal({ err: e }, "a round failed; the node stops so that nothing half-done is served");
        resolveFailed(e);
      },
    },
  );
  try {
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
        host: options.rpcHost ?? "127.0.0.1",
        port: options.rpcPort ?? 8645,
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
      },
    );
  } catch (e) {
    await verifier.close();
    await journal.close();
    await store.close();
    throw e;
  }
  producer.start();
  logger.info(
    { rpc: rpc.url, validator: toHex(key.publicKey), seqno: Number(chain.head.mc.header.seqno) },
    "node started",
  );
  let closing: Promise<void> | null = null;
  return {
    rpcUrl: rpc.url,
    chain,
    logger,
    failed,
    close() {
      closing ??= (async () => {
        await producer.stop();
        await rpc?.close();
        await verifier.close();
        await journal.close();
        await store.close();
      })();
      return closing;
    },
  };
}
