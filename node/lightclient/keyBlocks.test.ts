// A client follows the validator sets through key blocks (chain §3.1): from the genesis set to the
// elected one, each block checked against the set before it; a forged config, a commit by the
// wrong set and blocks out of order are caught, and a proof made after the election checks with
// the set the walk arrives at.
import { describe, expect, test } from "vitest";
import { apiMethods } from "../api/index.ts";
import { toHex } from "../bytes/index.ts";
import { electedChain, GENESIS_TIME, validatorKey, walletOf } from "../chain/testkit.ts";
import { Mempool } from "../mempool/index.ts";
import { type AccountProofJson, followKeyBlocks, type KeyBlockJson, verifyAccountProof } from "./verify.ts";

async function answers() {
  const { chain, host, genesis } = await electedChain();
  const mempool = new Mempool({}, { chain, now: () => GENESIS_TIME + 61n });
  const methods = apiMethods({ chain, mempool, host, network: "test", now: () => GENESIS_TIME + 61n });
  const call = async <T>(name: string, params: unknown) =>
    (await methods[name].handler(methods[name].params(params), {} as never)) as T;
  const { keyBlocks } = await call<{ keyBlocks: KeyBlockJson[] }>("getKeyBlocks", { after: 0 });
  const alice = walletOf("alice");
  const account = await call<{ proof: AccountProofJson }>("getAccount", {
    address: `0:${toHex(alice.id)}`,
  });
  return { chain, genesis, keyBlocks, account, alice };
}

describe("followKeyBlocks", () => {
  test("walks from the genesis set to the elected one, and a later proof checks with it", async () => {
    const { chain, genesis, keyBlocks, account, alice } = await answers();
    expect(keyBlocks.length).toBe(1);
    const start = { validators: genesis.config.validators, seqno: 0n };
    const followed = followKeyBlocks(start, keyBlocks, chain.genesisHash);
    expect(followed.validators).toEqual(chain.config.validators);
    expect(followed.validators[0].stake).not.toBe(genesis.config.validators[0].stake);
    expect(followed.seqno).toBe(BigInt(keyBlocks[0].seqno));
    // Nothing after it: the walk stays.
    expect(followKeyBlocks(followed, [], chain.genesisHash)).toEqual(followed);
    // The account proof of the head checks with the set the walk arrived at.
    const proved = verifyAccountProof(account.proof, alice, followed.validators, chain.genesisHash);
    expect(proved.account).not.toBe(null);
  });

  test("catches a forged config, a commit by another set, and a block that goes back", async () => {
    const { chain, genesis, keyBlocks } = await answers();
    const start = { validators: genesis.config.validators, seqno: 0n };
    const k = keyBlocks[0];
    const otherConfig = { ...k, config: `${k.config.slice(0, -2)}${k.config.endsWith("00") ? "01" : "00"}` };
    expect(() => followKeyBlocks(start, [otherConfig], chain.genesisHash)).toThrow(/config/);
    const stranger = { validators: [{ publicKey: new Uint8Array(32).fill(9), stake: 1n }], seqno: 0n };
    expect(() => followKeyBlocks(stranger, [k], chain.genesisHash)).toThrow(/not final/);
    expect(() => followKeyBlocks({ ...start, seqno: BigInt(k.seqno) }, [k], chain.genesisHash)).toThrow(
      /not a later masterchain block/,
    );
    expect(validatorKey.publicKey).toEqual(chain.config.validators[0].publicKey);
  });
});
