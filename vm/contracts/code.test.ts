import { describe, expect, test } from "vitest";
import { RECV_EXTERNAL, run } from "../interpreter/run.ts";
import { loadProgram } from "../program.ts";
import { testHost } from "../testing.ts";
import { counterCode, multisigCode, walletCode } from "./code.ts";
import { Account, address, makeKey, NOW } from "./testKit.ts";
import { walletStorage, walletTransferBody } from "./wallet.ts";

describe("contract code", () => {
  test.each([
    ["wallet", walletCode, ["publicKey", "recv_external", "recv_internal", "seqno", "subwalletId"]],
    ["counter", counterCode, ["counter", "recv_internal"]],
    [
      "multisig",
      multisigCode,
      ["owners", "recv_external", "recv_internal", "seqno", "threshold", "walletId"],
    ],
  ])("%s has exactly the entries contracts §1 lists", (_name, c, entries) => {
    expect(c.program.entryNames).toEqual(entries);
    expect(loadProgram(c.image)).toEqual(c.program);
  });

  test("the image and the loaded program run alike", () => {
    const key = makeKey();
    const account = new Account(walletStorage({ publicKey: key.publicKey, subwalletId: 0n }));
    const messages = [{ dest: address(1), valueNano: 1n, body: null, mode: 3 }];
    const body = walletTransferBody({ subwalletId: 0n, validUntil: NOW, seqno: 0n, messages }, key.signer);
    const opts = {
      entry: RECV_EXTERNAL,
      stack: [body],
      host: testHost,
      storage: account.reader,
      gasLimit: 10n ** 6n,
    };
    const a = run({ ...opts, code: walletCode.image, context: { now: NOW } });
    expect(a.exitCode).toBe(0);
    expect(run({ ...opts, code: walletCode.program, context: { now: NOW } })).toEqual(a);
  });
});
