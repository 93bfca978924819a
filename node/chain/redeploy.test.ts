import { describe, expect, test } from "vitest";
import { assemble } from "../../vm/index.ts";
import { deployAddress } from "../wallet/index.ts";
import { ext, GENESIS_TIME, GRAM, testChain, transfer } from "./testkit.ts";

// Body 1: send everything back and be destroyed (mode 128 + 32). Body 2: store 02 → 7.
const code = assemble(`
.entry recv_internal
  DUP
  PUSH 1
  EQ
  JMPIFNOT keep
  DROP
  SENDER
  PUSH 0
  PUSHNULL
  PUSH 160
  SEND
  RET
keep:
  PUSH 2
  EQ
  JMPIFNOT done
  PUSH 7
  PUSH x"02"
  SSTORE
done:
  RET
`);
const init = { code, data: [{ key: Uint8Array.of(1), value: 5n }] };
const contract = deployAddress(init);

describe("Chain: an account deleted and deployed again in one block", () => {
  test("starts from its init alone: nothing of its old storage carries over", async () => {
    const { chain } = await testChain([{ seed: "alice", balance: 10n * GRAM }]);
    const pay = (seqno: bigint, body: bigint, withInit: boolean) =>
      ext(
        transfer("alice", seqno, [
          { to: contract, valueNano: GRAM / 10n, body, bounce: false, ...(withInit ? { init } : {}) },
        ]),
      );
    await chain.produceRound(GENESIS_TIME + 1n, { shard: [pay(0n, 2n, true)], mc: [] });
    const first = await chain.contract(contract);
    expect(first.storage.get(Uint8Array.of(2))).toBe(7n);

    // One round: the first message destroys it, the second deploys it again from its init.
    await chain.produceRound(GENESIS_TIME + 2n, { shard: [pay(1n, 1n, false), pay(2n, 0n, true)], mc: [] });
    const again = await chain.contract(contract);
    expect(again.account?.status.kind).toBe("active");
    expect(again.storage.get(Uint8Array.of(1))).toBe(5n);
    expect(again.storage.get(Uint8Array.of(2))).toBe(undefined);
    expect([...(await chain.state.storageOf(contract)).keys()]).toEqual(["01"]);
    const fresh = await testChain([{ seed: "alice", balance: 10n * GRAM }]);
    await fresh.chain.produceRound(GENESIS_TIME + 1n, { shard: [pay(0n, 0n, true)], mc: [] });
    expect(again.account?.storageBytes).toBe((await fresh.chain.contract(contract)).account?.storageBytes);
  });
});
