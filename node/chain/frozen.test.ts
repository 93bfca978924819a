import { describe, expect, test } from "vitest";
import { SEQNO_KEY } from "../../vm/index.ts";
import { MemoryStore } from "../store/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Chain, keySigner } from "./chain.ts";
import {
  ext,
  GENESIS_TIME,
  GRAM,
  testFees,
  testGenesis,
  transfer,
  validatorKey,
  walletOf,
} from "./testkit.ts";

describe("Chain: frozen accounts (ledger §6.1, §6.2)", () => {
  test("an account freezes for its rent, a payment of the debt revives it whole, and one past deleteDue is deleted with its storage", async () => {
    const fees = { ...testFees, freezeDue: 1_000n, deleteDue: 1_000_000n };
    const genesis = testGenesis(
      [
        { seed: "alice", balance: 10n * GRAM },
        { seed: "carol", balance: 0n },
        { seed: "dave", balance: 0n },
      ],
      { fees },
    );
    const chain = await Chain.init(new MemoryStore(), genesis, {
      host: createCachingHost(),
      signer: keySigner(validatorKey),
    });
    const poke = (seqno: bigint, to: string, valueNano: bigint, time: bigint) =>
      chain.produceRound(time, {
        shard: [ext(transfer("alice", seqno, [{ to: walletOf(to), valueNano, bounce: false }], time + 60n))],
        mc: [],
      });
    const status = async (seed: string) => (await chain.account(walletOf(seed))).account?.status.kind;

    // About 11 days of rent on a wallet's bytes is well past freezeDue.
    let t = GENESIS_TIME + 1_000_000n;
    await poke(0n, "carol", 1n, t);
    await poke(1n, "dave", 1n, t);
    expect([await status("carol"), await status("dave")]).toEqual(["frozen", "frozen"]);
    const frozen = await chain.contract(walletOf("carol"));
    expect(frozen.storage.get(SEQNO_KEY)).toBe(0n);

    t += 10n;
    await poke(2n, "carol", GRAM, t);
    expect(await status("carol")).toBe("active");
    const revived = await chain.contract(walletOf("carol"));
    expect(revived.account?.storageDue).toBe(0n);
    expect(revived.storage.get(SEQNO_KEY)).toBe(0n);

    // Years later dave's debt is past deleteDue: the next message finds a new, empty account.
    t += 200_000_000n;
    await poke(3n, "dave", 1n, t);
    const dave = await chain.contract(walletOf("dave"));
    expect(dave.account).toMatchObject({
      status: { kind: "uninit" },
      balance: 1n,
      storageBytes: 0,
      storageDue: 0n,
    });
    expect((await chain.state.storageOf(walletOf("dave"))).size).toBe(0);
    expect(await status("carol")).toBe("active");
  });
});
