import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { genesisToJson, parseGenesis } from "../node/chain/index.ts";
import { keys } from "../node/chain/records.ts";
import { FILES } from "../node/datadir/index.ts";
import { isValidMnemonic } from "../node/mnemonic/index.ts";
import { LevelStore } from "../node/store/index.ts";
import { TEST_MNEMONIC, testAccounts } from "./accounts.ts";
import { testnetGenesis } from "./genesis.ts";
import { testnetUp } from "./up.ts";

describe("testnet", () => {
  test("the published phrase is a valid TON phrase and gives ten distinct wallets", () => {
    expect(isValidMnemonic(TEST_MNEMONIC.split(" "))).toBe(true);
    const ids = new Set(testAccounts().map((a) => Buffer.from(a.address.id).toString("hex")));
    expect(ids.size).toBe(10);
  });

  test("its genesis survives the file round trip", () => {
    const g = testnetGenesis(new Uint8Array(32).fill(1), 1_800_000_000n);
    expect(parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g))))).toEqual(g);
  });

  test("up makes a fresh network, and up again on the same directory carries on", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-testnet-"));
    try {
      const first = await testnetUp({ dir, port: 0 });
      expect(first.fresh).toBe(true);
      const info = (await fetch(`${first.node.rpcUrl}/health`).then((r) => r.json())) as { status: string };
      expect(info.status).toBe("ok");
      const genesis = first.node.chain.genesisHash;
      await first.node.close();
      const second = await testnetUp({ dir, port: 0 });
      try {
        expect(second.fresh).toBe(false);
        expect(second.node.chain.genesisHash).toEqual(genesis);
      } finally {
        await second.node.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a directory written in another store format is refused with the directory to remove", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-testnet-"));
    try {
      await (await testnetUp({ dir, port: 0 })).node.close();
      const store = await LevelStore.open(join(dir, FILES.db));
      await store.write([{ type: "del", key: keys.format() }]);
      await store.close();
      await expect(testnetUp({ dir, port: 0 })).rejects.toMatchObject({
        code: "CHAIN_FORMAT",
        message: expect.stringContaining(`remove ${dir}, or pass another --dir`),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
