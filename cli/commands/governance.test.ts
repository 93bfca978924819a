// `gram config get`, `gram propose`, `gram proposals` and `gram vote` against a node of one
// validator (a local testnet's parameters: a normal proposal passes in one won round, a critical
// one in two), and `gram vote` against a small RPC server that refuses the vote as a node would.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import { generateKeyPair } from "../../node/crypto/index.ts";
import { RpcError, type RpcServer } from "../../node/rpc/index.ts";
import { CONFIG_EXIT, CONFIG_EXIT_TEXT, PARAMS } from "../../node/system/index.ts";
import { testAccounts } from "../../testnet/index.ts";
import { run, tempHome } from "../testing.ts";
import { oneValidator, raw, stubRpcServer, until } from "./systemTesting.ts";

const expectUsage = (r: { code: number; stdout: string; stderr: string }, message: string | RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  if (typeof message === "string") expect(r.stderr).toBe(`gram: ${message}\n`);
  else expect(r.stderr).toMatch(message);
};

describe("governance against a node", () => {
  const net = oneValidator({ name: "governance", wallets: ["alice"] });
  const { gram, call } = net;
  let otherKeyFile = "";
  const alice = raw(testAccounts()[0].address);

  beforeAll(async () => {
    otherKeyFile = join(net.home, "not-a-validator.json");
    await writeFile(otherKeyFile, JSON.stringify({ seed: toHex(generateKeyPair().secretKey) }));
  });

  test("config get: every parameter by name, or one; an unknown name lists the known ones", async () => {
    const all = await gram("config", "get", "--json");
    expect([all.code, all.stderr]).toEqual([0, ""]);
    const params = JSON.parse(all.stdout);
    expect(Object.keys(params)).toEqual(PARAMS.map((p) => p.name));
    expect(params["voting.proposalFee"]).toBe("1000000000");
    expect(params["validatorCounts.min"]).toBe(1);
    expect(params["elections.roundSeconds"]).toBe(60);

    const text = await gram("config", "get");
    expect(text.stdout.trimEnd().split("\n")).toHaveLength(PARAMS.length);
    expect(text.stdout).toContain("\nstakes.min = 10000000000000\n");

    const one = await gram("config", "get", "stakes.min", "--json");
    expect(JSON.parse(one.stdout)).toEqual({ "stakes.min": "10000000000000" });
    expect((await gram("config", "get", "rewards.finePpm")).stdout).toBe("rewards.finePpm = 100000\n");

    expectUsage(
      await gram("config", "get", "stakes.minimum"),
      `no parameter is named 'stakes.minimum'; the parameters are: ${PARAMS.map((p) => p.name).join(", ")}`,
    );
  });

  test("propose refuses a bad value locally: nothing is sent and no fee is paid", async () => {
    const propose = (...args: string[]) => gram("propose", ...args, "--wallet", "alice");
    expectUsage(
      await propose("rewards.feeBurnPpm", "1000001"),
      "rewards.feeBurnPpm must be between 0 and 1000000, not 1000001",
    );
    expectUsage(await propose("elections.roundSeconds", "29"), /between 30 and 31536000, not 29/);
    expectUsage(await propose("fees.gasPrice", "1.5"), /'1\.5' is not a whole number/);
    expectUsage(await propose("fees.gasPrice", "-3"), /'-3' is not a whole number/);
    expectUsage(
      await propose("fees.price", "3"),
      /^gram: no parameter is named 'fees\.price'; the parameters are: fees\.gasPrice, /,
    );
    // In range, but against the rules between parameters (config §2.2).
    expectUsage(
      await propose("elections.openBefore", "60"),
      "elections.openBefore = 60 would break a rule between the parameters: elections must open before they close, within a round: closeBefore < openBefore < roundSeconds",
    );
    expectUsage(
      await propose("stakes.min", "20000000000000000"),
      "stakes.min = 20000000000000000 would break a rule between the parameters: stakes.min must not exceed stakes.max",
    );
    expectUsage(
      await gram("propose", "fees.gasPrice", "5", "--wallet", "alice", "--expires-in", "3601"),
      "--expires-in 3601 is longer than a proposal may stay open (voting.maxSeconds), 3600 s",
    );
    expect(await call("getTransactions", { address: alice })).toEqual([]);
    expect((await call<{ proposals: unknown[] }>("getProposals")).proposals).toEqual([]);
  });

  test("propose, list, and vote: a validator's vote passes a normal proposal; others are refused", async () => {
    const proposed = await gram("propose", "fees.gasPrice", "30000000", "--wallet", "alice", "--json");
    expect([proposed.code, proposed.stderr]).toEqual([0, ""]);
    const p = JSON.parse(proposed.stdout);
    expect(p).toMatchObject({
      id: 1,
      param: "fees.gasPrice",
      value: "30000000",
      by: alice,
      critical: false,
      fee: "1000000000",
    });
    const list = await gram("proposals", "--json");
    expect(JSON.parse(list.stdout).proposals).toMatchObject([
      { id: 1, param: "fees.gasPrice", value: "30000000", wins: 0, minWins: 1, votedStake: "0", voters: [] },
    ]);
    expect((await gram("proposals")).stdout).toMatch(/\n1 +fees\.gasPrice +30000000 .* 0 of 1 needed/);

    const stranger = await gram("vote", "1", "--validator-key", otherKeyFile);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(
      new RegExp(`^gram: ${CONFIG_EXIT_TEXT[CONFIG_EXIT.NOT_VALIDATOR]} \\(key [0-9a-f]{64}\\)\\n$`),
    );
    const none = await gram("vote", "99", "--validator-key", net.dataDir);
    expect([none.code, none.stderr]).toEqual([
      1,
      `gram: ${CONFIG_EXIT_TEXT[CONFIG_EXIT.NO_PROPOSAL]} (99); see 'gram proposals'\n`,
    ]);
    expectUsage(
      await gram("vote", "one", "--validator-key", net.dataDir),
      /a proposal's number must be a whole number/,
    );

    const voted = await gram("vote", "1", "--validator-key", net.dataDir, "--json");
    expect([voted.code, voted.stderr]).toEqual([0, ""]);
    expect(JSON.parse(voted.stdout)).toMatchObject({
      proposal: 1,
      publicKey: net.nodeKey,
      status: "final",
      open: false,
    });
    // The change is in force from the next masterchain block.
    await until("the new gas price", async () => {
      const r = JSON.parse((await gram("config", "get", "fees.gasPrice", "--json")).stdout);
      return r["fees.gasPrice"] === "30000000" ? true : undefined;
    });
  });

  test("a critical proposal needs two won rounds; a validator votes once a round", async () => {
    const proposed = await gram("propose", "voting.proposalFee", "2000000000", "--wallet", "alice", "--json");
    expect([proposed.code, proposed.stderr]).toEqual([0, ""]);
    const { id, critical } = JSON.parse(proposed.stdout);
    expect(critical).toBe(true);
    const voted = await gram("vote", String(id), "--validator-key", net.dataDir, "--json");
    expect([voted.code, voted.stderr]).toEqual([0, ""]);
    expect(JSON.parse(voted.stdout)).toMatchObject({ proposal: id, open: true, wins: 1 });
    const again = await gram("vote", String(id), "--validator-key", join(net.dataDir, "validator.json"));
    expect([again.code, again.stderr]).toEqual([
      1,
      `gram: ${CONFIG_EXIT_TEXT[CONFIG_EXIT.ALREADY_VOTED]} (proposal ${id})\n`,
    ]);
  });
});

describe("a vote the node refuses", () => {
  let home = "";
  let remove: () => Promise<void>;
  let server: RpcServer;
  let keyFile = "";
  let refusal: () => never;

  beforeEach(async () => {
    ({ home, remove } = await tempHome());
    const key = generateKeyPair();
    keyFile = join(home, "validator.json");
    await writeFile(keyFile, JSON.stringify({ publicKey: toHex(key.publicKey), seed: toHex(key.secretKey) }));
    server = await stubRpcServer({
      getChainInfo: { genesis: "ab".repeat(32) },
      getConfig: {
        params: {},
        validators: [{ publicKey: toHex(key.publicKey), stake: "1" }],
        validatorsUntil: 1_700_000_000,
      },
      getProposals: {
        version: 0,
        totalStake: "1",
        proposals: [{ id: 7, param: "fees.gasPrice", value: "5", voters: [] }],
      },
      sendMessage: () => refusal(),
    });
  });
  afterEach(async () => {
    try {
      await server?.close();
    } finally {
      await remove();
    }
  });

  test("with the config contract's reason for its exit code", async () => {
    refusal = () => {
      throw new RpcError(-32010, "the contract did not accept the message (exit code 117)", {
        reason: "MEMPOOL_REFUSED",
        exitCode: CONFIG_EXIT.BAD_SIGNATURE,
      });
    };
    const r = await run(["--rpc", server.url, "vote", "7", "--validator-key", keyFile], { GRAM_HOME: home });
    expect([r.code, r.stdout, r.stderr]).toEqual([
      1,
      "",
      `gram: the vote was refused: ${CONFIG_EXIT_TEXT[CONFIG_EXIT.BAD_SIGNATURE]}\n`,
    ]);
  });

  test("a vote already in a final block: the key voted before", async () => {
    refusal = () => {
      throw new RpcError(-32011, "this message is already in a final block", {
        reason: "MEMPOOL_ALREADY_DONE",
        exitCode: null,
      });
    };
    const r = await run(["--rpc", server.url, "vote", "7", "--validator-key", keyFile], { GRAM_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^gram: this key's vote for proposal 7 in this round is already in a final block/,
    );
  });
});
