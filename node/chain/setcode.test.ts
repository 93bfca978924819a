import { describe, expect, test } from "vitest";
import { assemble } from "../../vm/index.ts";
import { sha256 } from "../crypto/index.ts";
import { deployAddress } from "../wallet/index.ts";
import { ext, GENESIS_TIME, GRAM, testChain, transfer } from "./testkit.ts";

// Version 1 takes its successor's program image as a message body and installs it with SETCODE.
const v1 = assemble(`
.entry recv_internal
  SETCODE
  RET
.entry version
  PUSH 1
  RET
`);
const v2 = assemble(`
.entry recv_internal
  DROP
  RET
.entry version
  PUSH 2
  RET
`);
const init = { code: v1, data: [] };
const contract = deployAddress(init);

describe("Chain: SETCODE", () => {
  test("the new code is the account's in the blocks that follow, under its own hash", async () => {
    const { chain } = await testChain([{ seed: "alice", balance: 10n * GRAM }]);
    const pay = (seqno: bigint, body: Uint8Array | bigint, withInit: boolean) =>
      ext(
        transfer("alice", seqno, [
          { to: contract, valueNano: GRAM / 10n, body, bounce: false, ...(withInit ? { init } : {}) },
        ]),
      );
    await chain.produceRound(GENESIS_TIME + 1n, { shard: [pay(0n, v2, true)], mc: [] });
    const after = await chain.contract(contract);
    expect(after.account?.status.kind === "active" && after.account.status.codeHash).toEqual(sha256(v2));
    expect(after.code).toEqual(v2);
    // The next message runs version 2, which keeps its code whatever the body.
    await chain.produceRound(GENESIS_TIME + 2n, { shard: [pay(1n, 0n, false)], mc: [] });
    expect((await chain.contract(contract)).code).toEqual(v2);
  });
});
