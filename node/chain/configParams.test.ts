import { describe, expect, test } from "vitest";
import { assemble } from "../../vm/index.ts";
import { apiMethods } from "../api/index.ts";
import { toHex } from "../bytes/index.ts";
import { encode, t } from "../codec/index.ts";
import type { Message } from "../ledger/index.ts";
import { Mempool } from "../mempool/index.ts";
import { VerifyPool } from "../verifier/index.ts";
import { deployAddress } from "../wallet/index.ts";
import { Chain } from "./chain.ts";
import { ext, GENESIS_TIME, GRAM, testChain, testFees, transfer } from "./testkit.ts";

const nullBody = encode(t.vmValue, null);

// recv_internal keeps CONFIG 1 (the fees) under key 01; the get-method `network` reads CONFIG 0.
const code = assemble(`
.entry recv_internal
  DROP
  PUSH 1
  CONFIG
  PUSH x"01"
  SSTORE
  RET
.entry network
  PUSH 0
  CONFIG
  RET
.entry unset
  PUSH 99
  CONFIG
  RET
; An external message is taken only when CONFIG 1 holds the fees' gas price (26214400).
.entry recv_external
  DROP
  PUSH 1
  CONFIG
  INDEX 0
  PUSH 26214400
  EQ
  THROWIFNOT 40
  ACCEPT
  RET
`);
const init = { code, data: [] };
const contract = deployAddress(init);
const fees = [
  testFees.gasPrice,
  testFees.gasLimit,
  testFees.gasCredit,
  testFees.storagePrice,
  testFees.fwdLump,
  testFees.fwdBytePrice,
  testFees.freezeDue,
  testFees.deleteDue,
];

describe("config parameters as contracts read them (chain §3.4)", () => {
  test("a block's run, a get-method and the mempool's dry run all see the same values", async () => {
    const { chain, host } = await testChain([{ seed: "alice", balance: 10n * GRAM }]);
    expect(chain.configParam(1n)).toEqual(fees);
    expect(chain.configParam(2n)).toEqual([1_000n, 100_000n]);
    expect(chain.configParam(3n)).toEqual([1n, 1n]);
    await chain.produceRound(GENESIS_TIME + 1n, {
      shard: [ext(transfer("alice", 0n, [{ to: contract, valueNano: GRAM, init, body: 0n }]))],
      mc: [],
    });
    expect((await chain.contract(contract)).storage.get(Uint8Array.of(1))).toEqual(fees);

    const mempool = new Mempool({}, { chain, now: () => GENESIS_TIME + 2n });
    const methods = apiMethods({ chain, mempool, host, network: "test", now: () => GENESIS_TIME + 2n });
    const get = async (method: string) =>
      (
        (await methods.runGetMethod.handler(
          methods.runGetMethod.params({ address: `0:${toHex(contract.id)}`, method }),
          {} as never,
        )) as { stack: unknown[] }
      ).stack;
    expect(await get("network")).toEqual([{ tuple: [{ bytes: toHex(chain.genesisHash) }] }]);
    expect(await get("unset")).toEqual([null]);

    // The mempool's dry run, here and on a worker, is handed the same parameters.
    const external: Message = { kind: "externalIn", dest: contract, body: nullBody, init: null };
    expect((await chain.estimateExternal(ext(external), GENESIS_TIME + 2n)).kind).toBe("done");
    const pool = new VerifyPool({ threads: 1 });
    try {
      const signer = { publicKey: new Uint8Array(32), sign: () => new Uint8Array(64) };
      const withWorkers = await Chain.open(chain.store, { host, signer, dryRuns: pool });
      expect((await withWorkers.estimateExternal(ext(external), GENESIS_TIME + 2n)).kind).toBe("done");
      expect(pool.answered).toEqual({ workers: 1, here: 0 });
    } finally {
      await pool.close();
    }
  });
});
