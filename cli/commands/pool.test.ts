// `gram pool …` against a node of one validator whose clock the test moves: a pool is created for
// the node's own key, nominators deposit and withdraw, the owner stakes the pool in the open
// election, and after the test jumps the clock through the pool's round (and a round after it,
// staked by the owner's own wallet), anyone's recover brings the stake back with its reward.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { generateKeyPair } from "../../node/crypto/index.ts";
import { initDataDir } from "../../node/datadir/index.ts";
import { POOL_EXIT, POOL_EXIT_TEXT, POOL_LIMITS, poolAddress } from "../../node/system/index.ts";
import { testAccounts } from "../../testnet/index.ts";
import { parseFeePercent, percentOf } from "./pool.ts";
import { oneValidator, raw, until } from "./systemTesting.ts";

const GRAM = 1_000_000_000n;
const FEE = POOL_LIMITS.DEPOSIT_FEE;

describe("--fee", () => {
  test("a percentage up to 100 with up to 4 decimals, as millionths", () => {
    expect(parseFeePercent("10")).toBe(100_000);
    expect(parseFeePercent("12.5")).toBe(125_000);
    expect(parseFeePercent("0")).toBe(0);
    expect(parseFeePercent("100")).toBe(1_000_000);
    expect(parseFeePercent("0.0001")).toBe(1);
    for (const bad of ["100.0001", "101", "-1", "1e2", "12.34567", "", "012", "1.", "ten"])
      expect(() => parseFeePercent(bad)).toThrow(/percentage in 0\.\.100/);
    expect([125_000, 100_000, 1, 0, 1_000_000].map(percentOf)).toEqual(["12.5", "10", "0.0001", "0", "100"]);
  });
});

describe("pools against a node", () => {
  const genesisTime = BigInt(Math.floor(Date.now() / 1000)) - 20n;
  // The set in force ends ROUND s after genesis; its successor's election is open from the first
  // block and closes at CLOSE. Each round after it is ROUND s, its election open ROUND - 10 s
  // before it starts, closing 600 s before; stakes are held 30 s after their round.
  const ROUND = 1_200n;
  const CLOSE = ROUND - 600n;
  const HOLD = 30n;
  /** Seconds the node's clock is ahead of the system's. */
  let offset = 0n;
  const net = oneValidator({
    name: "pool",
    genesisTime,
    elections: {
      roundSeconds: Number(ROUND),
      openBefore: Number(ROUND) - 10,
      closeBefore: Number(ROUND - CLOSE),
      holdSeconds: Number(HOLD),
    },
    offset: () => offset,
    // The testnet's funded wallets 0, 1 and 2 (subwallets of the published test phrase).
    wallets: ["alice", "bob", "carol"],
  });
  const { gram, call, historyOf } = net;
  let otherKeyFile = "";
  let pool = "";
  const [alice, bob, carol] = testAccounts().map((a) => raw(a.address));
  const json = async (...args: string[]) => {
    const r = await gram(...args, "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    return JSON.parse(r.stdout);
  };

  const balanceOf = async (address: string) =>
    BigInt((await call<{ balance: string }>("getAccount", { address })).balance);
  const elections = () =>
    call<{ election: { electAt: number; offers: { publicKey: string; wallet: string }[] } | null }>(
      "getElections",
    );
  const validators = () =>
    call<{ current: { until: number; members: { wallet: string | null }[] }; next: unknown }>(
      "getValidators",
    );

  beforeAll(async () => {
    const otherDir = join(net.home, "other-node");
    await initDataDir(otherDir, net.genesis, generateKeyPair());
    otherKeyFile = join(otherDir, "validator.json");
    await writeFile(join(net.home, "not-a-key.json"), "{}");
    await until("the election to open", async () =>
      (await elections()).election === null ? undefined : true,
    );
  });

  test("bad arguments, unknown pools and accounts that are no pool are refused before anything is sent", async () => {
    const create = (...args: string[]) => gram("pool", "create", "--wallet", "alice", ...args);
    const overFee = await create("--validator-key", net.dataDir, "--fee", "101");
    expect(overFee.code).toBe(2);
    expect(overFee.stderr).toBe(
      "gram: invalid value '101' for --fee: the owner's fee is a percentage in 0..100, up to 4 decimals (e.g. 10 or 12.5); see 'gram pool create --help'\n",
    );
    expect((await create("--validator-key", net.dataDir, "--fee", "12.34567")).code).toBe(2);
    const noKey = await create();
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--validator-key <path>/);
    const missing = await create("--validator-key", join(net.home, "nope"));
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `gram: --validator-key ${join(net.home, "nope")}: no such file or directory\n`,
    ]);
    expect((await create("--validator-key", join(net.home, "not-a-key.json"))).stderr).toMatch(
      /give a node's data directory or its validator\.json/,
    );
    expect((await create("--validator-key", net.dataDir, "--amount", "0")).code).toBe(2);

    const unknown = `0:${"ab".repeat(32)}`;
    const small = await gram("pool", "deposit", unknown, "0.5", "--wallet", "bob");
    expect([small.code, small.stderr]).toEqual([
      2,
      "gram: a deposit of 0.5 Gram is below the pool's minimum, 1 Gram\n",
    ]);
    const nowhere = `gram: there is no pool at ${unknown}: no account has that address\n`;
    expect(await gram("pool", "deposit", unknown, "5", "--wallet", "bob")).toMatchObject({
      code: 1,
      stderr: nowhere,
    });
    expect(await gram("pool", "status", unknown)).toMatchObject({ code: 1, stderr: nowhere });
    expect(await gram("pool", "withdraw", unknown, "--wallet", "bob")).toMatchObject({
      code: 1,
      stderr: nowhere,
    });
    const wallet = await gram("pool", "status", "alice");
    expect([wallet.code, wallet.stderr]).toEqual([
      1,
      `gram: ${alice} is not a nominator pool: its code is not the pool's\n`,
    ]);
    expect((await gram("pool", "status", "not:an-address")).code).toBe(1);
    expect(await historyOf(alice)).toEqual([]);
    expect(await historyOf(bob)).toEqual([]);
  });

  test("create: deployed from a wallet at the hash of its init; status shows its config", async () => {
    const created = await json(
      "pool",
      "create",
      "--wallet",
      "alice",
      "--validator-key",
      net.dataDir,
      "--fee",
      "12.5",
    );
    const address = poolAddress({
      validatorKey: Uint8Array.from(Buffer.from(net.nodeKey, "hex")),
      owner: testAccounts()[0].address,
      feePpm: 125_000,
    });
    pool = raw(address);
    expect(created).toMatchObject({ raw: pool, validatorKey: net.nodeKey, owner: alice, feePpm: 125_000 });
    expect(created.address).toMatch(/^[A-Za-z0-9_+/=-]{48}$/);
    expect((await call<{ status: string }>("getAccount", { address: pool })).status).toBe("active");

    const again = await gram(
      "pool",
      "create",
      "--wallet",
      "bob",
      "--owner",
      "alice",
      "--validator-key",
      net.dataDir,
      "--fee",
      "12.5",
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a pool with this validator key, owner and fee is already at`);

    const status = await json("pool", "status", created.address);
    expect(status).toMatchObject({
      raw: pool,
      validatorKey: net.nodeKey,
      owner: alice,
      feePpm: 125_000,
      staked: "0",
      totalShares: "0",
      nominators: 0,
    });
    expect(BigInt(status.balance)).toBeGreaterThan(GRAM);
    expect(BigInt(status.balance)).toBeLessThanOrEqual(2n * GRAM);
    const text = await gram("pool", "status", pool);
    expect(text.stdout).toMatch(/fee +12\.5% of each profit/);
    expect(text.stdout).toMatch(/staked +nothing/);
  });

  test("deposit and withdraw with nothing staked: the share is paid back at once", async () => {
    expect(await json("pool", "deposit", pool, "150", "--wallet", "bob")).toEqual({
      pool,
      wallet: bob,
      deposit: (150n * GRAM - FEE).toString(),
    });
    const more = await gram("pool", "deposit", pool, "5", "--wallet", "carol");
    expect([more.code, more.stderr]).toEqual([0, ""]);
    expect(more.stdout).toContain("its share is now 4.9 Gram");
    expect(await json("pool", "status", pool)).toMatchObject({
      totalShares: (155n * GRAM - 2n * FEE).toString(),
      nominators: 2,
    });

    const before = await balanceOf(carol);
    const out = await json("pool", "withdraw", pool, "--wallet", "carol");
    expect(out).toMatchObject({
      pool,
      wallet: carol,
      status: "paid",
      paid: (5n * GRAM - FEE).toString(),
      waiting: "0",
    });
    // Paid with what the withdrawal carried, less the fees on the way.
    const gained = (await balanceOf(carol)) - before;
    expect(gained).toBeGreaterThan(5n * GRAM - FEE - GRAM / 10n);
    expect(gained).toBeLessThan(5n * GRAM - FEE);
    const twice = await gram("pool", "withdraw", pool, "--wallet", "carol");
    expect([twice.code, twice.stderr]).toEqual([
      1,
      `gram: carol has no share in the pool ${pool}: ${POOL_EXIT_TEXT[POOL_EXIT.NOT_NOMINATOR]}\n`,
    ]);
    expect(await json("pool", "status", pool)).toMatchObject({
      totalShares: (150n * GRAM - FEE).toString(),
      nominators: 1,
    });
  });

  test("stake: only the owner, with the pool's validator key; the offer is the pool's", async () => {
    const notOwner = await gram("pool", "stake", pool, "--wallet", "bob", "--validator-key", net.dataDir);
    expect([notOwner.code, notOwner.stderr]).toEqual([
      1,
      `gram: bob is not the pool's owner (${alice}): ${POOL_EXIT_TEXT[POOL_EXIT.NOT_OWNER]}\n`,
    ]);
    const otherKey = await gram("pool", "stake", pool, "--wallet", "alice", "--validator-key", otherKeyFile);
    expect(otherKey.code).toBe(2);
    expect(otherKey.stderr).toContain(`stakes for validator key ${net.nodeKey}, not `);
    const nothing = await gram("pool", "recover", pool, "--wallet", "bob");
    expect([nothing.code, nothing.stderr]).toEqual([
      1,
      `gram: nothing to recover: ${POOL_EXIT_TEXT[POOL_EXIT.NOT_STAKED]}\n`,
    ]);

    const staked = await json("pool", "stake", pool, "--wallet", "alice", "--validator-key", net.dataDir);
    expect(staked).toMatchObject({
      pool,
      validatorKey: net.nodeKey,
      stake: (150n * GRAM - FEE).toString(),
      electAt: Number(genesisTime + ROUND),
    });
    expect((await elections()).election?.offers).toEqual([
      { publicKey: net.nodeKey, stake: (150n * GRAM - FEE).toString(), wallet: pool },
    ]);
    expect(await json("pool", "status", pool)).toMatchObject({ staked: (150n * GRAM - FEE).toString() });
    const again = await gram("pool", "stake", pool, "--wallet", "alice", "--validator-key", net.dataDir);
    expect([again.code, again.stderr]).toEqual([
      1,
      `gram: the pool cannot stake: ${POOL_EXIT_TEXT[POOL_EXIT.ALREADY_STAKED]}\n`,
    ]);
  });

  test("while staked: a deposit waits, a withdrawal is paid when the stake returns, recover is too early", async () => {
    const waiting = await gram("pool", "deposit", pool, "10", "--wallet", "bob");
    expect([waiting.code, waiting.stderr]).toEqual([0, ""]);
    expect(waiting.stdout).toContain("the deposit joins it when the stake returns");

    const out = await json("pool", "withdraw", pool, "--wallet", "bob");
    expect(out).toMatchObject({
      status: "waiting",
      paid: (10n * GRAM - FEE).toString(),
      waiting: (150n * GRAM - FEE).toString(),
    });
    const again = await gram("pool", "withdraw", pool, "--wallet", "bob");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `^gram: the pool refused the withdrawal: ${POOL_EXIT_TEXT[POOL_EXIT.ALREADY_ASKED]}; what was left`,
      ),
    );

    const early = await gram("pool", "recover", pool, "--wallet", "carol");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      new RegExp(
        `^gram: the pool refused the request to recover its stake: ${POOL_EXIT_TEXT[POOL_EXIT.TOO_EARLY]}`,
      ),
    );
  });

  test("recover: after the pool's round, the stake comes back with its reward and is shared out", async () => {
    const stake = 150n * GRAM - FEE;
    // The election closes: the pool's offer wins the one seat; then it takes over.
    offset = CLOSE + 10n;
    await until("the pool to be elected", async () =>
      (await validators()).next === null ? undefined : true,
    );
    offset = ROUND + 15n;
    await until("the pool's round", async () =>
      (await validators()).current.members[0]?.wallet === pool ? true : undefined,
    );
    // The owner's own stake keeps the key in for the next round, so the pool's round ends.
    await until("the next election", async () =>
      (await elections()).election?.electAt === Number(genesisTime + 2n * ROUND) ? true : undefined,
    );
    const own = await gram(
      "stake",
      "100",
      "--wallet",
      "alice",
      "--validator-key",
      net.dataDir,
      "--timeout",
      "3600",
    );
    expect([own.code, own.stderr]).toEqual([0, ""]);
    offset = 2n * ROUND - 600n + 10n;
    await until("alice to be elected", async () => ((await validators()).next === null ? undefined : true));
    offset = 2n * ROUND + 10n;
    await until("alice's round", async () =>
      (await validators()).current.members[0]?.wallet === alice ? true : undefined,
    );
    offset = 2n * ROUND + 10n + HOLD + 10n;
    await until("the pool's stake to be released", async () => {
      const el = await call<{ frozen: unknown[] }>("getElections");
      return el.frozen.length === 0 ? true : undefined;
    });

    const bobBefore = await balanceOf(bob);
    const r = await json("pool", "recover", pool, "--wallet", "carol", "--timeout", "3600");
    expect(r).toMatchObject({ pool, staked: stake.toString() });
    const returned = BigInt(r.returned);
    expect(returned).toBeGreaterThan(stake);
    // Bob asked to withdraw: his share with its reward, less the owner's 12.5% of the profit, is paid.
    const profit = returned - stake;
    const bobShare = stake + profit - (profit * 125_000n) / 1_000_000n;
    const paid = (await balanceOf(bob)) - bobBefore;
    expect(paid).toBeLessThanOrEqual(bobShare);
    expect(paid).toBeGreaterThan(bobShare - GRAM / 10n);
    expect(await json("pool", "status", pool)).toMatchObject({
      staked: "0",
      totalShares: (returned - bobShare).toString(),
      nominators: 1,
    });
    const owner = await gram("pool", "withdraw", pool, "--wallet", "alice", "--timeout", "3600");
    expect([owner.code, owner.stderr]).toEqual([0, ""]);
    expect(owner.stdout).toContain("paid to alice at once");
  });
});
