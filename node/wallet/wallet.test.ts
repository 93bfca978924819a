import { describe, expect, test } from "vitest";
import { counterCode } from "../../vm/index.ts";
import { decode, t } from "../codec/index.ts";
import { keyPairFromSeed, sha256, verify } from "../crypto/index.ts";
import { stateInitFromVm } from "../execution/index.ts";
import { accountId } from "../ledger/index.ts";
import { vmHost } from "../vmhost/index.ts";
import { commentBody, deployAddress, transferMessage, walletAddress, walletStateInit } from "./wallet.ts";

const key = keyPairFromSeed(sha256(new TextEncoder().encode("wallet module test")));
const other = { workchain: 0n, id: new Uint8Array(32).fill(3) };

describe("node/wallet", () => {
  test("the address is the hash of the state init, distinct per subwallet id", () => {
    const a = walletAddress(key.publicKey, 0n);
    expect(a.id).toEqual(accountId(walletStateInit(key.publicKey, 0n)));
    expect(walletAddress(key.publicKey, 1n).id).not.toEqual(a.id);
    expect(walletAddress(key.publicKey, 0n, -1n).workchain).toBe(-1n);
  });

  test("a transfer is an external message to the wallet, signed over the hash of its order", () => {
    const msg = transferMessage({
      key,
      subwalletId: 5n,
      seqno: 2n,
      validUntil: 1_000n,
      payments: [{ to: other, valueNano: 7n, body: commentBody("hi"), bounce: false }],
      deploy: true,
    });
    if (msg.kind !== "externalIn") throw new Error("expected an external message");
    expect(msg.dest).toEqual(walletAddress(key.publicKey, 5n));
    expect(msg.init).toEqual(walletStateInit(key.publicKey, 5n));
    const [signature, signed] = decode(t.vmValue, msg.body) as [Uint8Array, unknown[]];
    expect(verify(signature, vmHost.hashValue(signed as never), key.publicKey)).toBe(true);
    expect(signed.slice(0, 3)).toEqual([5n, 1_000n, 2n]);
    const [[, value, body, mode]] = signed[3] as [[Uint8Array, bigint, Uint8Array, bigint]];
    expect([value, new TextDecoder().decode(body), mode]).toEqual([7n, "hi", 5n]);
  });

  test("a payment with an init carries it as the message's fifth item, to the init's address", () => {
    const init = { code: counterCode.image, data: [{ key: Uint8Array.of(1), value: 9n }] };
    const to = deployAddress(init);
    expect(to.id).toEqual(accountId(stateInitFromVm(init)));
    const msg = transferMessage({
      key,
      subwalletId: 0n,
      seqno: 0n,
      validUntil: 1n,
      payments: [{ to, valueNano: 1n, init }],
    });
    if (msg.kind !== "externalIn") throw new Error("expected an external message");
    const [, signed] = decode(t.vmValue, msg.body) as [Uint8Array, unknown[]];
    const [[, , , , sent]] = signed[3] as [[unknown, unknown, unknown, unknown, unknown]];
    expect(sent).toEqual([init.code, [[Uint8Array.of(1), 9n]]]);
  });

  test("refuses to sign an init the action phase would refuse: code that does not load, another address", () => {
    const init = { code: counterCode.image, data: [] };
    const order = { key, subwalletId: 0n, seqno: 0n, validUntil: 1n };
    expect(() => transferMessage({ ...order, payments: [{ to: other, valueNano: 1n, init }] })).toThrow(
      /payments\[0\]\.to: is not the address of its init/,
    );
    const bad = { code: Uint8Array.of(1, 2, 3), data: [] };
    expect(() =>
      transferMessage({ ...order, payments: [{ to: deployAddress(bad), valueNano: 1n, init: bad }] }),
    ).toThrow(/payments\[0\]\.init\.code: does not load/);
  });

  test("a transfer without deploy carries no state init", () => {
    const msg = transferMessage({ key, subwalletId: 0n, seqno: 0n, validUntil: 1n, payments: [] });
    expect(msg.kind === "externalIn" && msg.init).toBe(null);
  });
});
