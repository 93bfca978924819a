// The elector and the config contract on one chain (staking §2–§6, config §4): a stake from a
// wallet elects the node's key, the set changes at the round boundary, the round's rewards are
// the minting plus the fees' share, the stake comes back after its hold, and every round keeps
// the supply.
import { describe, expect, test } from "vitest";
import { equalBytes } from "../bytes/index.ts";
import { decode } from "../codec/index.ts";
import { sign } from "../crypto/index.ts";
import type { LedgerAddress } from "../ledger/index.ts";
import { MemoryStore } from "../store/index.ts";
import {
  ELECTOR_ADDRESS,
  ELECTOR_EXIT,
  ELECTOR_KEYS,
  ELECTOR_OP,
  Election,
  ElectorBook,
  Storage,
  stakeProofMessage,
} from "../system/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import type { RoundResult } from "./chain.ts";
import { Chain, keySigner } from "./chain.ts";
import type { ExternalMessage } from "./collate.ts";
import { keys, TxRecord } from "./records.ts";
import { ext, GENESIS_TIME, GRAM, testGenesis, transfer, validatorKey, walletOf } from "./testkit.ts";

const ELECTIONS = { roundSeconds: 60, openBefore: 45, closeBefore: 15, holdSeconds: 15 };

async function stakingChain() {
  const genesis = testGenesis([{ seed: "alice", balance: 100_000n * GRAM }], {
    elections: ELECTIONS,
    stakes: { min: 1_000n * GRAM, max: 1_000_000n * GRAM, minTotal: 1_000n * GRAM, maxFactor: 3 * 65_536 },
  });
  const store = new MemoryStore();
  const options = { host: createCachingHost(), signer: keySigner(validatorKey) };
  const chain = await Chain.init(store, genesis, options);
  return { chain, genesis, reopen: () => Chain.open(store, options), store };
}

async function electorStorage(chain: Chain): Promise<Storage> {
  const c = await chain.contract(ELECTOR_ADDRESS);
  return new Storage(c.storage);
}

const none: { shard: ExternalMessage[]; mc: ExternalMessage[] } = { shard: [], mc: [] };
let seqno = 0n;

function stakeFrom(chain: Chain, wallet: LedgerAddress, electAt: bigint, amount: bigint, key = validatorKey) {
  const proof = sign(stakeProofMessage(chain.genesisHash, electAt, wallet), key.secretKey);
  return transfer("alice", seqno++, [
    { to: ELECTOR_ADDRESS, valueNano: amount, body: [ELECTOR_OP.STAKE, key.publicKey, proof], bounce: true },
  ]);
}

function elector(round: RoundResult) {
  const tx = round.txs.find(
    (x) => x.account.workchain === -1n && equalBytes(x.account.id, ELECTOR_ADDRESS.id),
  );
  return tx === undefined ? null : decode(TxRecord, tx.record);
}

describe("staking on one chain", () => {
  test("a stake elects the key, the set changes at the boundary, rewards and the stake come back", async () => {
    seqno = 0n;
    const { chain, reopen, store } = await stakingChain();
    const alice = walletOf("alice");
    const t0 = GENESIS_TIME;
    let minted = 0n;
    const round = async (at: bigint, externals = none) => {
      const r = await chain.produceRound(at, externals);
      minted += r.mc.header.minted;
      const s = chain.head.supply;
      expect(s.balances + s.queued + s.rewardPool + s.burned).toBe(s.initial + s.minted);
      return r;
    };
    await round(t0 + 10n);
    expect((await electorStorage(chain)).read(ELECTOR_KEYS.election, Election)).toBe(null);
    // The election for the round at t0 + 60 opens 45 s before it.
    await round(t0 + 15n);
    const election = (await electorStorage(chain)).read(ELECTOR_KEYS.election, Election);
    expect(election?.electAt).toBe(t0 + 60n);
    expect(election?.closeAt).toBe(t0 + 45n);

    // A stake below the minimum bounces with its reason; the right one is taken (a round to cross).
    await round(t0 + 16n, { shard: [ext(stakeFrom(chain, alice, t0 + 60n, 10n * GRAM))], mc: [] });
    const refused = await round(t0 + 17n);
    expect(elector(refused)?.transaction.compute).toMatchObject({ exitCode: 0 });
    const bounced = refused.txs.map((x) => decode(TxRecord, x.record)).find((x) => x.transaction.bounced);
    expect(bounced?.transaction.compute).toMatchObject({ exitCode: ELECTOR_EXIT.STAKE_TOO_SMALL });
    await round(t0 + 18n, { shard: [ext(stakeFrom(chain, alice, t0 + 60n, 5_000n * GRAM))], mc: [] });
    await round(t0 + 19n);
    const offers = (await electorStorage(chain)).read(ELECTOR_KEYS.election, Election)?.offers;
    expect(offers?.map((o) => o.stake)).toEqual([5_000n * GRAM]);

    // Closed at t0 + 45: the next set is named; the set in force is still genesis's until t0 + 60.
    await round(t0 + 45n);
    expect(chain.config.validators).toEqual([{ publicKey: validatorKey.publicKey, stake: 1n }]);
    const switched = await round(t0 + 61n);
    expect(chain.config.validators).toEqual([{ publicKey: validatorKey.publicKey, stake: 5_000n * GRAM }]);
    // The block that switched names the new config as the next block's (chain §3.2), indexes
    // itself as a key block, and a reopened node reads that config.
    expect(switched.mc.header.configHash).toEqual(chain.configHash);
    expect(await store.get(keys.keyBlock(switched.mc.header.seqno))).toEqual(chain.configHash);
    expect((await reopen()).config).toEqual(chain.config);
    expect(chain.config.validatorsSince).toBe(t0 + 60n);
    expect(chain.config.validatorsUntil).toBe(t0 + 120n);

    // The next election: staking again keeps the key in; at t0 + 120 the first round is paid.
    await round(t0 + 76n, { shard: [ext(stakeFrom(chain, alice, t0 + 120n, 2_000n * GRAM))], mc: [] });
    await round(t0 + 77n);
    await round(t0 + 106n);
    const before = (await electorStorage(chain)).read(ELECTOR_KEYS.book, ElectorBook);
    const balanceBefore = (await chain.account(ELECTOR_ADDRESS)).account?.balance ?? 0n;
    const r = await round(t0 + 121n);
    const book = (await electorStorage(chain)).read(ELECTOR_KEYS.book, ElectorBook);
    expect(chain.config.validators[0].stake).toBe(2_000n * GRAM);
    // What the round earned is what the pot held: the elector's balance beyond what it owes.
    const tick = elector(r);
    const pot =
      balanceBefore + (tick?.inMsg.kind === "internal" ? tick.inMsg.value : 0n) - (before?.held ?? 0n);
    expect(book?.lastReward).toBe(pot);
    expect(book?.roundsPaid).toBe(2n);
    expect(pot).toBeGreaterThanOrEqual(minted - 60n * GRAM);

    // Released 15 s after the round's end, then recovered by the wallet.
    await round(t0 + 137n);
    const credit = (await electorStorage(chain)).get(ELECTOR_KEYS.credit(alice));
    expect(credit).toBe(5_000n * GRAM + pot);
    const aliceBefore = (await chain.account(alice)).account?.balance ?? 0n;
    await round(t0 + 138n, {
      shard: [
        ext(
          transfer("alice", seqno++, [{ to: ELECTOR_ADDRESS, valueNano: GRAM, body: [ELECTOR_OP.RECOVER] }]),
        ),
      ],
      mc: [],
    });
    await round(t0 + 139n);
    await round(t0 + 140n);
    const aliceAfter = (await chain.account(alice)).account?.balance ?? 0n;
    expect(aliceAfter - aliceBefore).toBeGreaterThan(5_000n * GRAM + pot - GRAM);
    expect((await electorStorage(chain)).get(ELECTOR_KEYS.credit(alice))).toBe(undefined);
  });

  test("without minting or fees, the elector is ticked only when a duty is due", async () => {
    const genesis = testGenesis([{ seed: "alice", balance: GRAM }], {
      elections: ELECTIONS,
      rewards: { mintPerSecond: 0n, feeBurnPpm: 0, finePpm: 0 },
    });
    const chain = await Chain.init(new MemoryStore(), genesis, {
      host: createCachingHost(),
      signer: keySigner(validatorKey),
    });
    const ticked = (r: RoundResult) => elector(r) !== null;
    expect(ticked(await chain.produceRound(GENESIS_TIME + 10n, none))).toBe(false);
    expect(ticked(await chain.produceRound(GENESIS_TIME + 14n, none))).toBe(false);
    // The election for the round at +60 opens 45 s before it.
    expect(ticked(await chain.produceRound(GENESIS_TIME + 15n, none))).toBe(true);
    expect((await electorStorage(chain)).read(ELECTOR_KEYS.election, Election)?.closeAt).toBe(
      GENESIS_TIME + 45n,
    );
    expect(ticked(await chain.produceRound(GENESIS_TIME + 44n, none))).toBe(false);
    // No offers: the election fails at its close and moves on a round (staking §4.3).
    expect(ticked(await chain.produceRound(GENESIS_TIME + 45n, none))).toBe(true);
    expect((await electorStorage(chain)).read(ELECTOR_KEYS.election, Election)?.closeAt).toBe(
      GENESIS_TIME + 105n,
    );
    expect(chain.config.validatorsUntil).toBe(GENESIS_TIME + 120n);
  });
});
