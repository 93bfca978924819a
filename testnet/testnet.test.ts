import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { fromHex, toHex } from "../node/bytes/index.ts";
import { genesisToJson, parseGenesis } from "../node/chain/index.ts";
import { FILES, readGenesis, readKey, readNodeConfig } from "../node/datadir/index.ts";
import { isValidMnemonic } from "../node/mnemonic/index.ts";
import { peerIdOf } from "../node/p2p/index.ts";
import { TEST_MNEMONIC, TEST_PUBLIC_KEY, testAccounts, testKeyPair } from "./accounts.ts";
import { TESTNET_STAKE_NANO, testnetGenesis } from "./genesis.ts";
import { createNetwork, openNetwork, removeNetwork } from "./layout.ts";
import { MANIFEST_FILE } from "./manifest.ts";

const keys = (n: number) => Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i + 1));

describe("the testnet genesis", () => {
  test("the published phrase is a valid TON phrase and gives ten distinct wallets", () => {
    expect(isValidMnemonic(TEST_MNEMONIC.split(" "))).toBe(true);
    const ids = new Set(testAccounts().map((a) => Buffer.from(a.address.id).toString("hex")));
    expect(ids.size).toBe(10);
  });

  test("the wallets' public key is the phrase's", () => {
    expect(testKeyPair().publicKey).toEqual(TEST_PUBLIC_KEY);
  });

  test("N validators with equal stakes, and it survives the file round trip", async () => {
    for (const n of [1, 4, 7]) {
      const g = testnetGenesis(keys(n), 1_800_000_000n);
      expect(g.config.validators.map((v) => v.publicKey)).toEqual(keys(n));
      expect(g.config.validators.every((v) => v.stake === TESTNET_STAKE_NANO)).toBe(true);
      expect(parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g))))).toEqual(g);
    }
    const dir = await mkdtemp(join(tmpdir(), "gram-genesis-"));
    try {
      const g = testnetGenesis(keys(4), 1_800_000_000n);
      await writeFile(join(dir, "genesis.json"), JSON.stringify(genesisToJson(g)));
      expect(await readGenesis(join(dir, "genesis.json"))).toEqual(g);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("no validators is misuse", () => {
    expect(() => testnetGenesis([], 0n)).toThrow(RangeError);
  });
});

describe("a network on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gram-layout-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("one genesis, a node directory each, ports from the base, the others as bootstrap peers", async () => {
    const made = await createNetwork(dir, { validators: 3, basePort: 20_000, blockTimeMs: 250 });
    expect(made.map((n) => n.rpc)).toEqual([
      "http://127.0.0.1:20000",
      "http://127.0.0.1:20001",
      "http://127.0.0.1:20002",
    ]);
    const genesis = await Promise.all(made.map((n) => readFile(join(n.dataDir, FILES.genesis), "utf8")));
    expect(new Set(genesis).size).toBe(1);
    const g = parseGenesis(JSON.parse(genesis[0]));
    expect(g.config.validators).toHaveLength(3);
    const peerIds = await Promise.all(
      made.map(async (n) => {
        const seed = fromHex(
          JSON.parse(await readFile(join(n.dataDir, FILES.nodeKey), "utf8")).seed,
        ) as Uint8Array;
        return peerIdOf(seed);
      }),
    );
    for (const n of made) {
      const c = await readNodeConfig(n.dataDir);
      expect(c.rpc).toEqual({ host: "127.0.0.1", port: 20_000 + n.index });
      expect(c.p2p.port).toBe(20_100 + n.index);
      expect(c.p2p.bootstrap).toEqual(
        [0, 1, 2]
          .filter((j) => j !== n.index)
          .map((j) => `/ip4/127.0.0.1/tcp/${20_100 + j}/p2p/${peerIds[j]}`),
      );
      expect(c.consensus.minBlockIntervalMs).toBe(250);
      const validator = JSON.parse(await readFile(join(n.dataDir, FILES.key), "utf8")).publicKey;
      expect(Buffer.from(g.config.validators[n.index].publicKey).toString("hex")).toBe(validator);
    }
    expect(await openNetwork(dir)).toEqual(made);
  }, 30_000);

  test("an empty directory holds no network; a broken one is refused; reset removes it", async () => {
    expect(await openNetwork(dir)).toBeNull();
    expect(await openNetwork(join(dir, "missing"))).toBeNull();
    await createNetwork(dir, { validators: 2, basePort: 20_000 });
    await writeFile(join(dir, MANIFEST_FILE), "{}");
    await rm(join(dir, "node-1"), { recursive: true });
    await expect(openNetwork(dir)).rejects.toMatchObject({
      code: "TESTNET_INCOMPLETE",
      message: expect.stringMatching(/names 2 validators, and 1 node directories .* --reset/),
    });
    await mkdir(join(dir, "node-3"));
    await expect(openNetwork(dir)).rejects.toMatchObject({
      message: expect.stringMatching(/node-1 is missing/),
    });
    await removeNetwork(dir);
    expect(await openNetwork(dir)).toBeNull();
    await expect(readFile(join(dir, MANIFEST_FILE))).rejects.toMatchObject({ code: "ENOENT" });
  }, 30_000);

  test("a one-node testnet of an older Gram is named as such, and reset replaces it", async () => {
    const { initDataDir } = await import("../node/datadir/index.ts");
    await initDataDir(dir, testnetGenesis(keys(1), 1_800_000_000n));
    await expect(openNetwork(dir)).rejects.toMatchObject({ code: "TESTNET_OLD_LAYOUT" });
    await removeNetwork(dir);
    expect(await openNetwork(dir)).toBeNull();
  }, 30_000);

  test("spares: node directories after the validators, with keys the genesis does not name", async () => {
    const made = await createNetwork(dir, { validators: 4, spare: 1, basePort: 20_000 });
    expect((await readdir(dir)).sort()).toEqual(["node-0", "node-1", "node-2", "node-3", "node-4"]);
    expect(made.map((n) => n.role)).toEqual(["validator", "validator", "validator", "validator", "spare"]);
    const genesis = await Promise.all(made.map((n) => readFile(join(n.dataDir, FILES.genesis), "utf8")));
    expect(new Set(genesis).size).toBe(1);
    const named = parseGenesis(JSON.parse(genesis[0])).config.validators.map((v) => toHex(v.publicKey));
    expect(named).toHaveLength(4);
    const keys = await Promise.all(made.map(async (n) => toHex((await readKey(n.dataDir)).publicKey)));
    expect(made.map((n) => n.validatorKey)).toEqual(keys);
    expect(new Set(keys).size).toBe(5);
    expect(named).toEqual(keys.slice(0, 4));
    expect(named).not.toContain(keys[4]);
    // Its own ports, the next ones; every other node is its peer, and it is theirs.
    const spare = await readNodeConfig(made[4].dataDir);
    expect([spare.rpc.port, spare.p2p.port]).toEqual([20_004, 20_104]);
    expect(spare.p2p.bootstrap).toHaveLength(4);
    expect(spare.p2p.bootstrap.map((a) => a.split("/")[4])).toEqual(["20100", "20101", "20102", "20103"]);
    for (const n of made.slice(0, 4))
      expect((await readNodeConfig(n.dataDir)).p2p.bootstrap.some((a) => a.includes("/tcp/20104/"))).toBe(
        true,
      );
    expect(await openNetwork(dir)).toEqual(made);
  }, 30_000);

  test("node directories may outnumber the genesis's validators, not fall short of them", async () => {
    await createNetwork(dir, { validators: 4, spare: 1, basePort: 20_000 });
    // Without its spare it is a network of four validators.
    await rm(join(dir, "node-4"), { recursive: true });
    expect((await openNetwork(dir))?.map((n) => n.role)).toEqual([
      "validator",
      "validator",
      "validator",
      "validator",
    ]);
    await rm(join(dir, "node-3"), { recursive: true });
    await expect(openNetwork(dir)).rejects.toMatchObject({
      code: "TESTNET_INCOMPLETE",
      message: expect.stringMatching(/names 4 validators, and 3 node directories .* --reset/),
    });
  }, 30_000);

  test("a validator whose directory holds another key leaves the network short of a validator", async () => {
    await createNetwork(dir, { validators: 2, spare: 1, basePort: 20_000 });
    await copyFile(join(dir, "node-2", FILES.key), join(dir, "node-1", FILES.key));
    await expect(openNetwork(dir)).rejects.toMatchObject({
      code: "TESTNET_INCOMPLETE",
      message: expect.stringMatching(
        /names 2 validators, and only 1 of its 3 node directories hold their keys/,
      ),
    });
  }, 30_000);

  test("a bad base port or count is misuse, before anything is written", async () => {
    await expect(createNetwork(dir, { validators: 2, basePort: 65_435 })).rejects.toThrow(RangeError);
    await expect(createNetwork(dir, { validators: 0, basePort: 20_000 })).rejects.toThrow(RangeError);
    await expect(createNetwork(dir, { validators: 1, basePort: 20_000, blockTimeMs: 0 })).rejects.toThrow(
      RangeError,
    );
    // The spares' ports count: four validators fit below 65535 from 65432, four and a spare do not.
    await expect(createNetwork(dir, { validators: 4, spare: 1, basePort: 65_432 })).rejects.toThrow(
      /base\+104/,
    );
    await expect(createNetwork(dir, { validators: 1, spare: -1, basePort: 20_000 })).rejects.toThrow(
      RangeError,
    );
    await expect(createNetwork(dir, { validators: 90, spare: 11, basePort: 20_000 })).rejects.toThrow(
      /at most 100/,
    );
    expect(await openNetwork(dir)).toBeNull();
  });
});
