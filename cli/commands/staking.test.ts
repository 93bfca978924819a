// `gram stake`, `gram stake recover`, `gram validators` and `gram elections` against a node of one
// validator whose clock the test moves: the election is open from the first block, and closes
// when the test jumps the clock past its closeAt. A second part runs `gram stake` against a small
// RPC server that answers with a bounce, which a real elector only sends on a race.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import { generateKeyPair } from "../../node/crypto/index.ts";
import type { RpcServer } from "../../node/rpc/index.ts";
import { ELECTOR_EXIT, ELECTOR_EXIT_TEXT, ELECTOR_OP } from "../../node/system/index.ts";
import { TESTNET_STAKE_NANO, testAccounts } from "../../testnet/index.ts";
import { PHRASES, run, tempHome } from "../testing.ts";
import { oneValidator, raw, stubRpcServer, until } from "./systemTesting.ts";

const GRAM = 1_000_000_000n;
const ELECTOR = `-1:${"33".repeat(32)}`;

describe("staking against a node", () => {
  const genesisTime = BigInt(Math.floor(Date.now() / 1000)) - 20n;
  const CLOSE_AFTER = 600n;
  /** Seconds the node's clock is ahead of the system's. */
  let offset = 0n;
  // The set in force ends an hour after genesis; its successor's election is open from the first
  // block and closes CLOSE_AFTER seconds after genesis. One winner at most.
  const net = oneValidator({
    name: "staking",
    genesisTime,
    elections: {
      roundSeconds: 3_600,
      openBefore: 3_590,
      closeBefore: 3_000,
      holdSeconds: 60,
    },
    offset: () => offset,
    // The testnet's funded wallets 0 and 1 (subwallets of the published test phrase).
    wallets: ["alice", "bob"],
  });
  const { gram, call, historyOf } = net;
  let otherKeyFile = "";
  const alice = raw(testAccounts()[0].address);
  const bob = raw(testAccounts()[1].address);

  beforeAll(async () => {
    otherKeyFile = join(net.home, "other-validator.json");
    await writeFile(otherKeyFile, JSON.stringify({ seed: toHex(generateKeyPair().secretKey) }));
    // The first block's tick opens the election.
    await until("the election to open", async () => {
      const el = await call<{ election: unknown }>("getElections");
      return el.election === null ? undefined : true;
    });
  });

  test("validators --json: the genesis set in force, no next set", async () => {
    const r = await gram("validators", "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const v = JSON.parse(r.stdout);
    expect(v.current).toEqual([
      {
        publicKey: net.nodeKey,
        stake: TESTNET_STAKE_NANO.toString(),
        weight: 1_000_000_000,
        wallet: null,
        reward: "0",
        fine: "0",
      },
    ]);
    expect(v.next).toEqual([]);
    expect(v.currentRound).toMatchObject({ since: Number(genesisTime), until: Number(genesisTime) + 3_600 });
    const text = await gram("validators");
    expect(text.stdout).toContain(net.nodeKey);
    expect(text.stdout).toContain("100.00%");
    expect(text.stdout).toContain("Next set: none elected yet.");
  });

  test("elections --json: the open election and the elector's book", async () => {
    const r = await gram("elections", "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const el = JSON.parse(r.stdout);
    expect(el).toMatchObject({
      election: {
        electAt: Number(genesisTime) + 3_600,
        closeAt: Number(genesisTime + CLOSE_AFTER),
        offers: [],
      },
      frozen: [],
      roundsPaid: 0,
      held: "0",
    });
    expect(typeof el.now).toBe("number");
    expect(BigInt(el.pot)).toBeGreaterThan(0n);
    expect((await gram("elections")).stdout).toMatch(/election +open, for the round from/);
  });

  test("a stake below stakes.min, a missing key and a bad key file are refused before anything is sent", async () => {
    const below = await gram("stake", "99", "--wallet", "alice", "--validator-key", net.dataDir);
    expect(below.code).toBe(2);
    expect(below.stderr).toBe(
      "gram: a stake of 99 Gram is below the chain's minimum (stakes.min), 100 Gram\n",
    );
    const noKey = await gram("stake", "100", "--wallet", "alice");
    expect([noKey.code, noKey.stderr]).toEqual([
      2,
      "gram: 'gram stake' needs --validator-key <path>, the key of the validator to stake for\n",
    ]);
    const missing = await gram(
      "stake",
      "100",
      "--wallet",
      "alice",
      "--validator-key",
      join(net.home, "nope"),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--validator-key .*nope: no such file or directory/);
    const notKey = await gram("stake", "100", "--wallet", "alice", "--validator-key", net.home);
    expect(notKey.stderr).toMatch(/is a directory without validator\.json/);
    const recoverNoWallet = await gram("stake", "recover");
    expect([recoverNoWallet.code, recoverNoWallet.stderr]).toEqual([
      2,
      "gram: 'gram stake recover' needs --wallet <name>\n",
    ]);
    const recoverKey = await gram("stake", "recover", "--wallet", "alice", "--validator-key", net.dataDir);
    expect(recoverKey.code).toBe(2);
    expect(recoverKey.stderr).toMatch(/takes no --validator-key/);
    expect(await historyOf(alice)).toEqual([]);
  });

  test("stake: the offer shows in the election; a second stake adds to it; another wallet cannot take the key", async () => {
    const r = await gram("stake", "1000", "--wallet", "alice", "--validator-key", net.dataDir, "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const first = JSON.parse(r.stdout);
    expect(first).toMatchObject({
      publicKey: net.nodeKey,
      wallet: alice,
      stake: (1_000n * GRAM).toString(),
      electAt: Number(genesisTime) + 3_600,
      closeAt: Number(genesisTime + CLOSE_AFTER),
    });

    const more = await gram(
      "stake",
      "500",
      "--wallet",
      "alice",
      "--validator-key",
      join(net.dataDir, "validator.json"),
    );
    expect([more.code, more.stderr]).toEqual([0, ""]);
    expect(more.stdout).toMatch(/offer +1500 Gram in all/);

    const taken = await gram("stake", "200", "--wallet", "bob", "--validator-key", net.dataDir);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      `gram: validator key ${net.nodeKey} has an offer from ${alice} in this election: ${ELECTOR_EXIT_TEXT[ELECTOR_EXIT.KEY_TAKEN]}\n`,
    );
    expect(await historyOf(bob)).toEqual([]);

    const other = await gram("stake", "200", "--wallet", "bob", "--validator-key", otherKeyFile, "--json");
    expect([other.code, other.stderr]).toEqual([0, ""]);
    expect(JSON.parse(other.stdout)).toMatchObject({ wallet: bob, stake: (200n * GRAM).toString() });

    const el = JSON.parse((await gram("elections", "--json")).stdout);
    expect(el.election.offers).toHaveLength(2);
    expect(el.held).toBe((1_700n * GRAM).toString());
  });

  test("stake recover: nothing to recover until the election closes; then the losing stake comes back", async () => {
    const nothing = await gram("stake", "recover", "--wallet", "bob");
    expect([nothing.code, nothing.stderr]).toEqual([
      1,
      "gram: the elector holds nothing for bob to recover\n",
    ]);

    // Past closeAt: the node's key (1,500 Gram) wins the one seat, bob's 200 Gram become his credit.
    offset = CLOSE_AFTER + 10n;
    await until("the election to close", async () => {
      const el = await call<{ election: unknown }>("getElections");
      return el.election === null ? true : undefined;
    });
    const v = JSON.parse((await gram("validators", "--json")).stdout);
    expect(v.next).toMatchObject([
      { publicKey: net.nodeKey, stake: (1_500n * GRAM).toString(), wallet: alice },
    ]);
    expect(v.nextRound).toMatchObject({ since: Number(genesisTime) + 3_600 });

    const closed = await gram("stake", "100", "--wallet", "alice", "--validator-key", net.dataDir);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(
      /^gram: no election is open; the next opens at \d{4}-\d\d-\d\dT[^\n]* \(in /,
    );

    const credit = JSON.parse((await gram("elections", "--wallet", "bob", "--json")).stdout).credit;
    expect(credit).toBe((200n * GRAM).toString());
    // The wallet's message must outlive the clock's jump.
    const r = await gram("stake", "recover", "--wallet", "bob", "--timeout", "900", "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ wallet: bob, recovered: (200n * GRAM).toString() });
    expect(JSON.parse((await gram("elections", "--wallet", bob, "--json")).stdout).credit).toBe("0");
  });
});

describe("a stake the elector bounces", () => {
  let home = "";
  let remove: () => Promise<void>;
  let server: RpcServer;
  let keyFile = "";

  beforeEach(async () => {
    ({ home, remove } = await tempHome());
    keyFile = join(home, "key.json");
    await writeFile(keyFile, JSON.stringify({ seed: "11".repeat(32) }));
    server = await stubRpcServer({
      getChainInfo: { genesis: "ab".repeat(32), masterchain: { time: 1_000 } },
      getConfig: { params: { "stakes.min": "1000000000" }, validators: [] },
      getElections: {
        now: 1_000,
        election: { electAt: 5_000, closeAt: 4_000, offers: [] },
        nextElectionAt: 0,
        frozen: [],
        held: "0",
        pot: "0",
        roundsPaid: 0,
        lastReward: "0",
        credit: "0",
      },
      getAccount: { status: "active", balance: "100000000000" },
      runGetMethod: { exitCode: 0, gasUsed: "1", stack: [{ int: "0" }] },
      sendMessage: { hash: "00", status: "accepted" },
      getMessageStatus: {
        status: "final",
        transaction: "cd".repeat(32),
        exitCode: 0,
        success: true,
      },
      getTransaction: {
        hash: "cd".repeat(32),
        lt: "10",
        fee: "1",
        action: null,
        compute: { success: true },
      },
      getTransactions: [
        {
          hash: "ef".repeat(32),
          lt: "12",
          inMsg: {
            type: "internal",
            src: ELECTOR,
            bounced: true,
            body: {
              tuple: [
                { int: "4294967295" },
                { tuple: [{ int: ELECTOR_OP.STAKE.toString() }, { bytes: "00" }, { bytes: "00" }] },
                { int: "1" },
                { int: String(ELECTOR_EXIT.KEY_TAKEN) },
              ],
            },
          },
        },
      ],
    });
    const imported = await run(["wallet", "import", "alice", "--mnemonic", PHRASES[0].words], {
      GRAM_HOME: home,
      GRAM_PASSWORD: "pw",
    });
    expect(imported.code).toBe(0);
  });
  afterEach(async () => {
    try {
      await server?.close();
    } finally {
      await remove();
    }
  });

  test("fails with the elector's reason, read from the bounce in the wallet's history", async () => {
    const r = await run(
      ["--rpc", server.url, "stake", "5", "--wallet", "alice", "--validator-key", keyFile],
      { GRAM_HOME: home, GRAM_PASSWORD: "pw" },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gram: the elector refused the stake: ${ELECTOR_EXIT_TEXT[ELECTOR_EXIT.KEY_TAKEN]}; what was left of the 5 Gram came back to alice\n`,
    );
  });
});
