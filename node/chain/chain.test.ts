import { describe, expect, test } from "vitest";
import { equalBytes } from "../bytes/index.ts";
import { decode, encode, hashOf } from "../codec/index.ts";
import { Transaction } from "../execution/index.ts";
import { Message } from "../ledger/index.ts";
import { MemoryStore } from "../store/index.ts";
import { ELECTOR_ADDRESS } from "../system/index.ts";
import { VerifyPool } from "../verifier/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Block } from "./block.ts";
import { Chain, keySigner } from "./chain.ts";
import type { ExternalMessage } from "./collate.ts";
import { keys, STORE_FORMAT, TxRecord, UPGRADED_FORMATS } from "./records.ts";
import { ext, GENESIS_TIME, GRAM, keyOf, testGenesis, transfer, validatorKey, walletOf } from "./testkit.ts";

/** A round's transaction with its record decoded (decode takes only the canonical encoding). */
const decoded = (x: { hash: Uint8Array; record: Uint8Array }) => ({
  hash: x.hash,
  record: decode(TxRecord, x.record),
});

const options = () => ({ host: createCachingHost(), signer: keySigner(validatorKey) });
const none = { shard: [], mc: [] };

/** A caching host that counts the checks asked of it, as a round that runs inline asks them. */
function countingHost() {
  const cache = createCachingHost();
  const counted = { checks: 0 };
  const host = {
    ...cache,
    ed25519Verify(m: Uint8Array, k: Uint8Array, s: Uint8Array) {
      counted.checks++;
      return cache.ed25519Verify(m, k, s);
    },
  };
  return { cache, host, counted };
}

async function fresh(
  wallets: { seed: string; balance: bigint; workchain?: bigint }[] = [
    { seed: "alice", balance: 10n * GRAM },
    { seed: "bob", balance: GRAM },
  ],
) {
  const store = new MemoryStore();
  const chain = await Chain.init(store, testGenesis(wallets), options());
  return { store, chain };
}

describe("Chain", () => {
  test("genesis makes block 0 of both chains with the funded wallets, and refuses a second init", async () => {
    const { store, chain } = await fresh();
    expect(chain.head.mc.header.seqno).toBe(0n);
    expect(chain.head.mc.header.shards[0].hash).toEqual(chain.head.shard.hash);
    const alice = await chain.account(walletOf("alice"));
    expect(alice.account?.balance).toBe(10n * GRAM);
    expect(alice.account?.status.kind).toBe("active");
    expect(chain.head.supply.initial).toBe(11n * GRAM);
    await expect(Chain.init(store, testGenesis([]), options())).rejects.toThrow("already holds a chain");
  });

  test("a transfer runs in one round: both transactions final, fees to the pool, supply kept", async () => {
    const { chain, store } = await fresh();
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: 2n * GRAM }]);
    const round = await chain.produceRound(GENESIS_TIME + 5n, { shard: [ext(m)], mc: [] });
    // The masterchain block starts with the elector's tick (staking §5.1); the transfer is the rest.
    const [tick, ...basechain] = [...round.txs].reverse();
    expect(tick.account).toEqual(ELECTOR_ADDRESS);
    const shardTxs = basechain.reverse();
    // Stored from the bytes as sent and the message the first transaction sent (codec §7.3).
    const txs = shardTxs.map(decoded);
    for (const { hash, record } of txs)
      expect(await store.readBlob((await store.get(keys.tx(hash)))!)).toEqual(encode(TxRecord, record));
    for (const [i, x] of shardTxs.entries()) {
      expect(txs[i].record.transaction.account).toEqual(x.account);
      expect(txs[i].record.transaction.lt).toBe(x.lt);
      expect(txs[i].record.blockHash).toEqual(round.shard.hash);
      expect(txs[i].record.index).toBe(i);
    }
    expect(round.shard.header.seqno).toBe(1n);
    expect(round.mc.header.shards[0].hash).toEqual(round.shard.hash);
    expect(shardTxs.length).toBe(2);
    const [status] = round.statuses;
    expect(status.status.kind).toBe("final");
    const alice = (await chain.account(walletOf("alice"))).account;
    const bob = (await chain.account(walletOf("bob"))).account;
    expect(bob?.balance).toBe(3n * GRAM - txs[1].record.transaction.totalFees);
    const paid = txs.reduce((s, x) => s + x.record.transaction.totalFees, 0n);
    expect((alice?.balance ?? 0n) + (bob?.balance ?? 0n) + paid).toBe(11n * GRAM);
    expect(chain.head.supply.rewardPool).toBe(paid);
    // History, transaction lookup and the stored status agree.
    const history = await chain.history(walletOf("alice"), 10);
    expect(history.map((h) => h.hash)).toEqual([round.txs[0].hash]);
    expect((await chain.transaction(round.txs[1].hash))?.blockHash).toEqual(round.shard.hash);
    expect((await chain.messageStatus(status.hash))?.kind).toBe("final");
    // lt grows along the chain of causes.
    const [t1, t2] = txs.map((x) => x.record.transaction.lt);
    expect(t2).toBeGreaterThan(t1);
  });

  test("a replayed transfer is refused with a reason and leaves no transaction", async () => {
    const { chain } = await fresh();
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]);
    await chain.produceRound(GENESIS_TIME + 5n, { shard: [ext(m)], mc: [] });
    const again = await chain.produceRound(GENESIS_TIME + 6n, { shard: [ext(m)], mc: [] });
    expect(again.txs.map((x) => x.account)).toEqual([ELECTOR_ADDRESS]);
    const s = again.statuses[0].status;
    expect(s.kind === "refused" && s.reason).toMatch(/did not accept.*exit code 33/);
  });

  test("a message to the masterchain crosses through the queue in the next round", async () => {
    const { chain, store } = await fresh([
      { seed: "alice", balance: 10n * GRAM },
      { seed: "mc", balance: GRAM, workchain: -1n },
    ]);
    const to = walletOf("mc", -1n);
    const r1 = await chain.produceRound(GENESIS_TIME + 1n, {
      shard: [ext(transfer("alice", 0n, [{ to, valueNano: GRAM }]))],
      mc: [],
    });
    expect(r1.shard.header.valueExported).toBe(GRAM);
    expect(chain.head.supply.queued).toBe(GRAM);
    const r2 = await chain.produceRound(GENESIS_TIME + 2n, none);
    expect(r2.mc.header.valueImported).toBe(GRAM);
    expect(chain.head.supply.queued).toBe(0n);
    const mc = (await chain.account(to)).account;
    const [r1txs, r2txs] = [r1.txs.map(decoded), r2.txs.map(decoded)];
    const received = r2txs.find((x) => equalBytes(x.record.transaction.account.id, to.id));
    expect(mc?.balance).toBe(2n * GRAM - (received?.record.transaction.totalFees ?? -1n));
    // Each record names its inbound message by the message's own hash, whichever way it came.
    for (const { record } of [...r1txs, ...r2txs])
      expect(record.transaction.inMsg).toEqual(hashOf(Message, record.inMsg));
    // A record is stored from encodings made along the way (codec §7.3): the external message as
    // sent, the queued one as queued. The bytes are still the record's one encoding.
    for (const { hash, record } of [...r1txs, ...r2txs]) {
      expect(await store.readBlob((await store.get(keys.tx(hash)))!)).toEqual(encode(TxRecord, record));
      expect(hashOf(Transaction, record.transaction)).toEqual(hash);
    }
    // Imported once: a third round finds the queue empty.
    const r3 = await chain.produceRound(GENESIS_TIME + 3n, none);
    expect(r3.txs.map((x) => x.account)).toEqual([ELECTOR_ADDRESS]);
  });

  test("a round with nothing for the elector sends no tick; time, fees or a due duty do", async () => {
    const { chain } = await fresh();
    const ticks = (r: { txs: { account: { id: Uint8Array } }[] }) =>
      r.txs.filter((x) => equalBytes(x.account.id, ELECTOR_ADDRESS.id)).length;
    // Time moved: coins are minted (staking §5.1).
    expect(ticks(await chain.produceRound(GENESIS_TIME + 5n, none))).toBe(1);
    // The same second, no fees the round before: nothing to carry, nothing due.
    const idle = await chain.produceRound(GENESIS_TIME + 5n, none);
    expect(ticks(idle)).toBe(0);
    expect(idle.mc.header.minted).toBe(0n);
    // A transfer's fees in this round are carried by the next round's tick, in the same second.
    await chain.produceRound(GENESIS_TIME + 5n, {
      shard: [ext(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]))],
      mc: [],
    });
    expect(chain.head.supply.rewardPool).toBeGreaterThan(0n);
    expect(ticks(await chain.produceRound(GENESIS_TIME + 5n, none))).toBe(1);
    expect(chain.head.supply.rewardPool).toBe(0n);
    expect(ticks(await chain.produceRound(GENESIS_TIME + 5n, none))).toBe(0);
  });

  test("the block loop sees queued messages of any value, also after a reopen", async () => {
    const { store, chain } = await fresh([
      { seed: "alice", balance: 10n * GRAM },
      { seed: "mc", balance: GRAM, workchain: -1n },
    ]);
    // A message of value 0 (fees paid apart, mode +1) leaves the supply's queued value at 0.
    await chain.produceRound(GENESIS_TIME + 1n, {
      shard: [ext(transfer("alice", 0n, [{ to: walletOf("mc", -1n), valueNano: 0n }]))],
      mc: [],
    });
    expect(chain.head.supply.queued).toBe(0n);
    expect(chain.queuedMessages).toBe(1);
    expect((await Chain.open(store, options())).queuedMessages).toBe(1);
    await chain.produceRound(GENESIS_TIME + 2n, none);
    expect(chain.queuedMessages).toBe(0);
    expect((await Chain.open(store, options())).queuedMessages).toBe(0);
    // Queues known to be empty are not scanned.
    const entries = store.entries.bind(store);
    let scans = 0;
    store.entries = (range) => {
      scans++;
      return entries(range);
    };
    await chain.produceRound(GENESIS_TIME + 3n, none);
    expect(scans).toBe(0);
  });

  test("statuses asked for in one turn are read from the store together, each its own", async () => {
    const { store, chain } = await fresh();
    const round = await chain.produceRound(GENESIS_TIME + 1n, {
      shard: [ext(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]))],
      mc: [],
    });
    const sent = round.statuses[0].hash;
    const unknown = ext(transfer("alice", 9n, [{ to: walletOf("bob"), valueNano: GRAM }])).hash;
    // Reopened, the chain remembers no recent status: every one comes from the store.
    const reopened = await Chain.open(store, options());
    const reads: number[] = [];
    const getMany = store.getMany.bind(store);
    store.getMany = async (keys) => {
      reads.push(keys.length);
      return getMany(keys);
    };
    store.get = async () => {
      throw new Error("a status is read with the others, not alone");
    };
    const [a, b, c] = await Promise.all([sent, unknown, sent].map((h) => reopened.messageStatus(h)));
    expect(reads).toEqual([3]);
    expect(a).toEqual(round.statuses[0].status);
    expect(b).toBe(null);
    expect(c).toEqual(a);
    // A failed read fails every status waiting on it, and the next turn reads anew.
    store.getMany = async () => {
      throw new Error("disk gone");
    };
    const failed = [sent, unknown].map((h) => reopened.messageStatus(h));
    for (const f of failed) await expect(f).rejects.toThrow("disk gone");
    store.getMany = getMany;
    expect(await reopened.messageStatus(sent)).toEqual(a);
  });

  test("reopening finds the last round; a failed write leaves the previous one", async () => {
    const { store, chain } = await fresh();
    const first = await chain.produceRound(GENESIS_TIME + 1n, {
      shard: [ext(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]))],
      mc: [],
    });
    const reopened = await Chain.open(store, options());
    expect(reopened.head.mc.hash).toEqual(chain.head.mc.hash);
    // The status a chain remembers from its round is the one it wrote.
    const sent = first.statuses[0].hash;
    expect(await reopened.messageStatus(sent)).toEqual(await chain.messageStatus(sent));
    expect((await reopened.account(walletOf("bob"))).account?.balance).toBe(
      (await chain.account(walletOf("bob"))).account?.balance,
    );
    const write = store.write.bind(store);
    store.write = async () => {
      throw new Error("power cut");
    };
    await expect(
      reopened.produceRound(GENESIS_TIME + 2n, {
        shard: [ext(transfer("alice", 1n, [{ to: walletOf("bob"), valueNano: GRAM }]))],
        mc: [],
      }),
    ).rejects.toThrow("power cut");
    // Nothing of the failed round is remembered either.
    expect(
      await reopened.messageStatus(
        ext(transfer("alice", 1n, [{ to: walletOf("bob"), valueNano: GRAM }])).hash,
      ),
    ).toBe(null);
    store.write = write;
    const after = await Chain.open(store, options());
    expect(after.head.mc.header.seqno).toBe(1n);
    expect((await after.history(walletOf("alice"), 10)).length).toBe(1);
  });

  test("a store in another format, or from before the format record, is refused at open", async () => {
    const { store } = await fresh();
    await store.write([{ type: "put", key: keys.format(), value: Uint8Array.of(0, 0, 0, STORE_FORMAT + 1) }]);
    await expect(Chain.open(store, options())).rejects.toMatchObject({
      code: "CHAIN_FORMAT",
      message: expect.stringContaining(`store format ${STORE_FORMAT + 1}`),
    });
    await store.write([{ type: "del", key: keys.format() }]);
    await expect(Chain.open(store, options())).rejects.toMatchObject({
      code: "CHAIN_FORMAT",
      message: expect.stringContaining("store format 1,"),
    });
    await store.write([{ type: "put", key: keys.format(), value: Uint8Array.of(2) }]);
    await expect(Chain.open(store, options())).rejects.toMatchObject({ code: "CHAIN_CORRUPT" });
  });

  test.each([3, 4, 5, 6, 8, 9])(
    "a store in format %i is refused: its chain has no system contracts",
    async (format) => {
      const { store } = await fresh();
      expect(UPGRADED_FORMATS).not.toContain(format);
      await store.write([{ type: "put", key: keys.format(), value: Uint8Array.of(0, 0, 0, format) }]);
      await expect(Chain.open(store, options())).rejects.toMatchObject({
        code: "CHAIN_FORMAT",
        message: expect.stringContaining(`store format ${format},`),
      });
    },
  );

  test("a record kept whole under its hash (format 4 and older) reads as one in the blob log", async () => {
    const { chain, store } = await fresh();
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]);
    const round = await chain.produceRound(GENESIS_TIME + 5n, { shard: [ext(m)], mc: [] });
    const [first, second] = round.txs;
    const inLog = await chain.transaction(first.hash);
    await store.write([{ type: "put", key: keys.tx(first.hash), value: first.record }]);
    expect(await chain.transaction(first.hash)).toEqual(inLog);
    expect((await chain.history(walletOf("alice"), 10))[0].record).toEqual(inLog);
    // An index entry that names another transaction's record is damage, said so.
    await store.write([
      { type: "put", key: keys.tx(first.hash), value: (await store.get(keys.tx(second.hash)))! },
    ]);
    await expect(chain.transaction(first.hash)).rejects.toMatchObject({ code: "CHAIN_CORRUPT" });
    await store.write([{ type: "put", key: keys.tx(first.hash), value: new Uint8Array(12).fill(7) }]);
    await expect(chain.transaction(first.hash)).rejects.toMatchObject({ code: "CHAIN_CORRUPT" });
  });

  test("a block kept whole under its hash (format 4 and older) reads as one in the blob log, and a wrong one is damage", async () => {
    const { chain, store } = await fresh();
    const round = await chain.produceRound(GENESIS_TIME + 5n, none);
    const inLog = await chain.block(round.shard.hash);
    expect(inLog?.header).toEqual(round.shard.header);
    await store.write([{ type: "put", key: keys.block(round.shard.hash), value: encode(Block, inLog!) }]);
    expect(await chain.block(round.shard.hash)).toEqual(inLog);
    expect((await Chain.open(store, options())).head.shard.hash).toEqual(round.shard.hash);
    await store.write([
      {
        type: "put",
        key: keys.block(round.shard.hash),
        value: (await store.get(keys.block(round.mc.hash)))!,
      },
    ]);
    await expect(chain.block(round.shard.hash)).rejects.toMatchObject({ code: "CHAIN_CORRUPT" });
    await expect(Chain.open(store, options())).rejects.toMatchObject({ code: "CHAIN_CORRUPT" });
  });

  test("a node whose key is not the validator's cannot make a final block", async () => {
    const store = new MemoryStore();
    await Chain.init(store, testGenesis([]), options());
    const other = await Chain.open(store, {
      host: createCachingHost(),
      signer: keySigner(keyOf("intruder")),
    });
    await expect(other.produceRound(GENESIS_TIME + 1n, none)).rejects.toThrow(
      "does not make the block final",
    );
  });

  test("a dry run on a worker answers as the run here, and its signature is not checked again", async () => {
    const pool = new VerifyPool({ threads: 1 });
    try {
      const store = new MemoryStore();
      const genesis = testGenesis([
        { seed: "alice", balance: 10n * GRAM },
        { seed: "bob", balance: GRAM },
      ]);
      const { cache: counting, host, counted } = countingHost();
      const chain = await Chain.init(store, genesis, { ...options(), host, dryRuns: pool });
      const plain = await Chain.open(store, options());
      const m = transfer("alice", 0n, [
        { to: walletOf("bob"), valueNano: GRAM },
      ]) as ExternalMessage["message"];
      const bad = transfer("alice", 1n, [
        { to: walletOf("bob"), valueNano: GRAM },
      ]) as ExternalMessage["message"];
      for (const x of [m, bad]) {
        expect(await chain.checkExternal(ext(x), GENESIS_TIME + 1n)).toEqual(
          await plain.checkExternal(ext(x), GENESIS_TIME + 1n),
        );
        expect(await chain.estimateExternal(ext(x), GENESIS_TIME + 1n)).toEqual(
          await plain.estimateExternal(ext(x), GENESIS_TIME + 1n),
        );
      }
      expect((await chain.checkExternal(ext(m), GENESIS_TIME + 1n)).kind).toBe("accepted");
      expect((await chain.estimateExternal(ext(m), GENESIS_TIME + 1n)).kind).toBe("done");
      expect((await chain.checkExternal(ext(bad), GENESIS_TIME + 1n)).kind).toBe("refused");
      expect(counting.cacheSize).toBe(1);
      // The block takes the acceptance the worker's run passed back, and checks nothing itself.
      const round = await chain.produceRound(GENESIS_TIME + 1n, { shard: [ext(m)], mc: [] });
      expect(round.statuses[0].status.kind).toBe("final");
      expect(counted.checks).toBe(0);
      // The block's check took the acceptance: it is of no use once the transfer is in a block.
      expect(counting.cacheSize).toBe(0);
    } finally {
      await pool.close();
    }
  });

  test("a round whose signatures the pool verifies is the round of inline checks, also with a forged one", async () => {
    const pool = new VerifyPool({ threads: 1 });
    try {
      const store = new MemoryStore();
      const genesis = testGenesis([
        { seed: "alice", balance: 10n * GRAM },
        { seed: "bob", balance: 10n * GRAM },
        { seed: "carol", balance: GRAM },
      ]);
      const { cache: counting, host, counted } = countingHost();
      let sent = 0;
      const dryRuns = {
        run: pool.run.bind(pool),
        verify: (...args: Parameters<VerifyPool["verify"]>) => {
          sent += args[0].length;
          return pool.verify(...args);
        },
      };
      const chain = await Chain.init(store, genesis, { ...options(), host, dryRuns });
      const plain = await Chain.open(store, options());
      const pay = [{ to: walletOf("carol"), valueNano: GRAM }];
      const good = [ext(transfer("alice", 0n, pay)), ext(transfer("bob", 0n, pay))];
      // Signed by carol for alice's wallet: the wallet refuses it when its check is made.
      const mallory = transfer("carol", 0n, pay) as ExternalMessage["message"];
      const forged = ext({ ...mallory, dest: good[0].message.dest });
      const time = GENESIS_TIME + 1n;

      const fair = await chain.buildRound(time, { shard: good, mc: [] });
      expect(fair.hash).toEqual((await plain.buildRound(time, { shard: good, mc: [] })).hash);
      expect(sent).toBe(2);
      expect(counted.checks).toBe(0);

      const mixed = { shard: [forged, good[1]], mc: [] };
      const built = await chain.buildRound(time, mixed);
      expect(built.hash).toEqual((await plain.buildRound(time, mixed)).hash);
      expect(built.shard.statuses.map((x) => x.status.kind)).toEqual(["refused", "final"]);
      // The forged one failed on the pool, so the round ran again with its checks on the host
      // here, twice asked; bob's signature, found valid on the pool, was kept for that run and
      // taken by it.
      expect(sent).toBe(4);
      expect(counted.checks).toBe(2);
      expect(counting.cacheSize).toBe(0);

      // After a forgery the next rounds check inline: forged messages cost their senders' peers
      // one run of a round each, not two.
      const after = await chain.buildRound(time, { shard: good, mc: [] });
      expect(after.hash).toEqual(fair.hash);
      expect(sent).toBe(4);
      expect(counted.checks).toBe(4);
    } finally {
      await pool.close();
    }
  });
});
