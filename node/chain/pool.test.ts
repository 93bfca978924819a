// A nominator pool on one chain (staking §7): deployed for the node's own validator key, two
// nominators deposit, the owner stakes the pool's Grams with the elector, the stake is elected
// and earns its round's rewards, comes back to the pool on anyone's RECOVER and is split (the
// owner's fee, the rest pro rata), and a nominator then withdraws its Grams.
import { describe, expect, test } from "vitest";
import type { InitAction, Value } from "../../vm/index.ts";
import { equalBytes } from "../bytes/index.ts";
import { decode } from "../codec/index.ts";
import { sign } from "../crypto/index.ts";
import { type LedgerAddress, toVmAddress } from "../ledger/index.ts";
import { MemoryStore } from "../store/index.ts";
import {
  ELECTOR_ADDRESS,
  ELECTOR_KEYS,
  ELECTOR_OP,
  Election,
  POOL_EXIT,
  POOL_LIMITS,
  POOL_OP,
  poolAddress,
  poolStateInit,
  runContract,
  Storage,
  stakeProofMessage,
} from "../system/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Chain, keySigner, type RoundResult } from "./chain.ts";
import type { ExternalMessage } from "./collate.ts";
import { TxRecord } from "./records.ts";
import { ext, GENESIS_TIME, GRAM, testGenesis, transfer, validatorKey, walletOf } from "./testkit.ts";

const ELECTIONS = { roundSeconds: 60, openBefore: 45, closeBefore: 15, holdSeconds: 15 };
const host = createCachingHost();

async function poolChain() {
  const genesis = testGenesis(
    ["alice", "bob", "carol", "dave"].map((seed) => ({ seed, balance: 100_000n * GRAM })),
    {
      elections: ELECTIONS,
      stakes: { min: 1_000n * GRAM, max: 1_000_000n * GRAM, minTotal: 1_000n * GRAM, maxFactor: 3 * 65_536 },
    },
  );
  return Chain.init(new MemoryStore(), genesis, { host, signer: keySigner(validatorKey) });
}

/** A get-method of `address` at the newest state, as the RPC runs one. */
async function getMethod(chain: Chain, address: LedgerAddress, name: string, args: Value[] = []) {
  const { account, code, storage, tip } = await chain.contract(address);
  if (account === null || code === null) throw new Error(`${name}: the account has no code`);
  const r = runContract({
    code,
    entry: name,
    stack: args,
    host,
    storage,
    context: {
      address: toVmAddress(address),
      balance: account.balance,
      msgValue: 0n,
      sender: null,
      now: tip.header.time,
      lt: tip.header.endLt,
      seed: new Uint8Array(32),
      config: chain.configParam,
    },
    gasLimit: chain.config.getMethodGasLimit,
  });
  expect(r.exitCode).toBe(0);
  return r.stack;
}

async function balanceOf(chain: Chain, address: LedgerAddress): Promise<bigint> {
  return (await chain.account(address)).account?.balance ?? 0n;
}

function txsOf(round: RoundResult, address: LedgerAddress) {
  return round.txs
    .filter((x) => x.account.workchain === address.workchain && equalBytes(x.account.id, address.id))
    .map((x) => decode(TxRecord, x.record));
}

describe("a nominator pool on one chain", () => {
  test("nominators lend the node's validator their stake and share its reward, less the owner's fee", async () => {
    const chain = await poolChain();
    const t0 = GENESIS_TIME;
    const seqnos = new Map<string, bigint>();
    const send = (seed: string, to: LedgerAddress, valueNano: bigint, body: Value, init?: InitAction) => {
      const seqno = seqnos.get(seed) ?? 0n;
      seqnos.set(seed, seqno + 1n);
      return ext(transfer(seed, seqno, [{ to, valueNano, body, ...(init === undefined ? {} : { init }) }]));
    };
    const round = async (at: bigint, shard: ExternalMessage[] = []) => {
      const r = await chain.produceRound(at, { shard, mc: [] });
      const s = chain.head.supply;
      expect(s.balances + s.queued + s.rewardPool + s.burned).toBe(s.initial + s.minted);
      return r;
    };
    const [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map((s) => walletOf(s));
    const config = { validatorKey: validatorKey.publicKey, owner: alice, feePpm: 100_000 };
    const pool = poolAddress(config);
    const status = () => getMethod(chain, pool, "status");
    const share = async (w: LedgerAddress) =>
      (await getMethod(chain, pool, "deposit", [toVmAddress(w)]))[0] as bigint;
    const fee = POOL_LIMITS.DEPOSIT_FEE;

    // Deployed by the owner's wallet: its init with a TOP_UP for the pool's reserve.
    expect((await chain.account(pool)).account).toBeNull();
    await round(t0 + 10n, [send("alice", pool, 5n * GRAM, [POOL_OP.TOP_UP], poolStateInit(config))]);
    await round(t0 + 11n);
    expect((await chain.account(pool)).account?.status.kind).toBe("active");
    expect(await status()).toEqual([validatorKey.publicKey, toVmAddress(alice), 100_000n, 0n, 0n, 0n]);

    // Two nominators deposit (the same shard: taken in the same round).
    await round(t0 + 12n, [
      send("bob", pool, 3_000n * GRAM, [POOL_OP.DEPOSIT]),
      send("carol", pool, 1_000n * GRAM, [POOL_OP.DEPOSIT]),
    ]);
    const bob0 = 3_000n * GRAM - fee;
    const carol0 = 1_000n * GRAM - fee;
    expect(await share(bob)).toBe(bob0);
    expect(await share(carol)).toBe(carol0);
    const staked = bob0 + carol0;

    // The election for t0 + 60 opens at t0 + 15; the owner stakes the pool with the validator's
    // proof for the pool's address. The stake reaches the elector in the next round.
    await round(t0 + 15n);
    const proof = sign(stakeProofMessage(chain.genesisHash, t0 + 60n, pool), validatorKey.secretKey);
    await round(t0 + 16n, [send("alice", pool, 2n * GRAM, [POOL_OP.STAKE, proof])]);
    await round(t0 + 17n);
    const offers = new Storage((await chain.contract(ELECTOR_ADDRESS)).storage).read(
      ELECTOR_KEYS.election,
      Election,
    )?.offers;
    expect(offers).toEqual([{ publicKey: validatorKey.publicKey, stake: staked, wallet: pool }]);
    expect((await status()).slice(3)).toEqual([staked, staked, 2n]);

    // Elected: the pool's stake is the key's weight for the round t0 + 60 … t0 + 120.
    await round(t0 + 45n);
    await round(t0 + 61n);
    expect(chain.config.validators).toEqual([{ publicKey: validatorKey.publicKey, stake: staked }]);

    // A deposit while staked waits; a RECOVER before the round ends is refused.
    const early = await round(t0 + 70n, [
      send("dave", pool, 500n * GRAM, [POOL_OP.DEPOSIT]),
      send("carol", pool, GRAM, [POOL_OP.RECOVER]),
    ]);
    expect(txsOf(early, pool).map((x) => x.transaction.compute)).toEqual([
      expect.objectContaining({ exitCode: 0 }),
      expect.objectContaining({ exitCode: POOL_EXIT.TOO_EARLY }),
    ]);
    expect(await share(dave)).toBe(500n * GRAM - fee);

    // The owner's own stake keeps the key in for the next round, so the pool's round ends.
    await round(t0 + 75n);
    const own = sign(stakeProofMessage(chain.genesisHash, t0 + 120n, alice), validatorKey.secretKey);
    await round(t0 + 76n, [
      send("alice", ELECTOR_ADDRESS, 1_000n * GRAM, [ELECTOR_OP.STAKE, validatorKey.publicKey, own]),
    ]);
    await round(t0 + 77n);
    await round(t0 + 106n);
    await round(t0 + 121n);
    expect(chain.config.validators).toEqual([{ publicKey: validatorKey.publicKey, stake: 1_000n * GRAM }]);

    // Released 15 s after the round: the pool's stake with its reward.
    await round(t0 + 137n);
    const credit = new Storage((await chain.contract(ELECTOR_ADDRESS)).storage).get(
      ELECTOR_KEYS.credit(pool),
    );
    if (typeof credit !== "bigint") throw new Error("the elector holds nothing for the pool");
    expect(credit).toBeGreaterThan(staked);

    // Anyone's RECOVER: the pool asks (t0 + 138), the elector answers (t0 + 139), the pool splits.
    await round(t0 + 138n, [send("bob", pool, GRAM, [POOL_OP.RECOVER])]);
    await round(t0 + 139n);
    const settled = await round(t0 + 140n);
    expect(txsOf(settled, pool).map((x) => x.transaction.compute)).toEqual([
      expect.objectContaining({ exitCode: 0 }),
    ]);
    const profit = credit - staked;
    const ownerFee = (profit * 100_000n) / 1_000_000n;
    const bob1 = bob0 + ((profit - ownerFee) * bob0) / staked;
    const carol1 = carol0 + ((profit - ownerFee) * carol0) / staked;
    expect(await share(bob)).toBe(bob1);
    expect(await share(carol)).toBe(carol1);
    expect(bob1 - bob0).toBeGreaterThan(0n);
    const ownerShare = await share(alice);
    expect(ownerShare - ownerFee).toBeGreaterThanOrEqual(0n);
    expect(ownerShare - ownerFee).toBeLessThan(2n);
    // Nothing made or lost: the stakers' shares and the owner's are what came back.
    expect(bob1 + carol1 + ownerShare).toBe(credit);
    // Dave's deposit joined without a reward.
    expect(await share(dave)).toBe(500n * GRAM - fee);
    const total = credit + 500n * GRAM - fee;
    expect((await status()).slice(3)).toEqual([0n, total, 4n]);
    expect(await balanceOf(chain, pool)).toBeGreaterThan(total);

    // Carol withdraws: nothing is staked, so she is paid at once, with her message's value.
    const carolBefore = await balanceOf(chain, carol);
    await round(t0 + 141n, [send("carol", pool, GRAM, [POOL_OP.WITHDRAW])]);
    const received = (await balanceOf(chain, carol)) - carolBefore;
    expect(received).toBeGreaterThan(carol1 - GRAM / 10n);
    expect(received).toBeLessThan(carol1);
    expect(await share(carol)).toBe(0n);
    expect((await status()).slice(3)).toEqual([0n, total - carol1, 3n]);
  });

  test("a nominator's DEPOSIT may deploy the pool: its first run starts from an empty book", async () => {
    const chain = await poolChain();
    const t0 = GENESIS_TIME;
    const [alice, bob] = ["alice", "bob"].map((s) => walletOf(s));
    const config = { validatorKey: validatorKey.publicKey, owner: alice, feePpm: 0 };
    const pool = poolAddress(config);
    const deposit = transfer("bob", 0n, [
      { to: pool, valueNano: 10n * GRAM, init: poolStateInit(config), body: [POOL_OP.DEPOSIT] },
    ]);
    const r0 = await chain.produceRound(t0 + 10n, { shard: [ext(deposit)], mc: [] });
    const r1 = await chain.produceRound(t0 + 11n, { shard: [], mc: [] });
    expect([...txsOf(r0, pool), ...txsOf(r1, pool)].map((x) => x.transaction.compute)).toEqual([
      expect.objectContaining({ exitCode: 0 }),
    ]);
    expect((await chain.account(pool)).account?.status.kind).toBe("active");
    const share = 10n * GRAM - POOL_LIMITS.DEPOSIT_FEE;
    expect(await getMethod(chain, pool, "deposit", [toVmAddress(bob)])).toEqual([share]);
    expect(await getMethod(chain, pool, "status")).toEqual([
      validatorKey.publicKey,
      toVmAddress(alice),
      0n,
      0n,
      share,
      1n,
    ]);
  });
});
