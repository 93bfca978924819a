import { describe, expect, test } from "vitest";
import { assemble } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { ext, GENESIS_TIME, GRAM, testChain, transfer, walletOf } from "../chain/testkit.ts";
import { encode } from "../codec/index.ts";
import { Message } from "../ledger/index.ts";
import { Mempool } from "../mempool/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { deployAddress } from "../wallet/index.ts";
import { API_ERROR, apiMethods, statusView } from "./methods.ts";

async function setup(maxPending = 100) {
  const { chain, host } = await testChain([
    { seed: "alice", balance: 10n * GRAM },
    { seed: "bob", balance: GRAM },
  ]);
  await chain.produceRound(GENESIS_TIME + 1n, { shard: [], mc: [] });
  const mempool = new Mempool({ maxPending }, { chain, now: () => GENESIS_TIME + 2n });
  const methods = apiMethods({ chain, mempool, host, network: "test", now: () => GENESIS_TIME + 2n });
  const call = async (name: keyof typeof methods, params: unknown) => {
    const m = methods[name];
    return (await m.handler(m.params(params), {} as never)) as Record<string, unknown>;
  };
  return { chain, call };
}

const hexOf = (m: Message) => toHex(encode(Message, m));

describe("node/api methods", () => {
  test("getBlock picks the chain by workchain; a workchain that does not exist or contradicts masterchain is refused", async () => {
    const { chain, call } = await setup();
    expect(await call("getBlock", { workchain: 0 })).toMatchObject({
      workchain: 0,
      hash: toHex(chain.head.shard.hash),
    });
    expect(await call("getBlock", { workchain: -1 })).toMatchObject({
      workchain: -1,
      hash: toHex(chain.head.mc.hash),
    });
    expect(await call("getBlock", {})).toMatchObject({ hash: toHex(chain.head.mc.hash) });
    expect(await call("getBlock", { workchain: 0, seqno: 0 })).toMatchObject({ workchain: 0, seqno: 0 });
    await expect(call("getBlock", { workchain: 1 })).rejects.toMatchObject({ code: -32602 });
    await expect(call("getBlock", { workchain: 0, masterchain: true })).rejects.toMatchObject({
      code: -32602,
    });
  });

  test("a full mempool is BUSY, not a bad message", async () => {
    const { call } = await setup(1);
    await call("sendMessage", {
      message: hexOf(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: 1n }])),
    });
    await expect(
      call("sendMessage", {
        message: hexOf(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }])),
      }),
    ).rejects.toMatchObject({ code: API_ERROR.BUSY, data: { reason: "MEMPOOL_FULL" } });
  });

  test("estimateFee refuses what the mempool would: a message over the size limit, an unknown workchain", async () => {
    const { call } = await setup();
    const ok = await call("estimateFee", {
      message: hexOf(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }])),
    });
    expect(ok.accepted).toBe(true);
    const elsewhere = transfer("alice", 0n, [], GENESIS_TIME + 60n, 5n);
    await expect(call("estimateFee", { message: hexOf(elsewhere) })).rejects.toMatchObject({
      code: API_ERROR.BAD_MESSAGE,
      message: /workchain 5/,
    });
    // One byte over the limit: short enough to pass the param's length check, refused here.
    const sized = (n: number): Message => ({
      kind: "externalIn",
      dest: walletOf("alice"),
      body: new Uint8Array(n),
      init: null,
    });
    let n = 65_536 - 100;
    while (encode(Message, sized(n)).length < 65_537) n++;
    await expect(call("estimateFee", { message: hexOf(sized(n)) })).rejects.toMatchObject({
      code: API_ERROR.BAD_MESSAGE,
      message: /65537 bytes, over the limit/,
    });
  });

  test("a refused message sent again reads as accepted while it waits, and as refused once it does not", () => {
    const hash = new Uint8Array(32).fill(7);
    const refused = { kind: "refused" as const, reason: "the block was full; send it again", exitCode: null };
    expect(statusView(hash, refused, true).status).toBe("accepted");
    expect(statusView(hash, refused, false)).toMatchObject({ status: "refused", reason: refused.reason });
    expect(statusView(hash, null, false).status).toBe("unknown");
  });

  test("fee estimates running at once are bounded: past the bound the node answers BUSY", async () => {
    const { call } = await setup();
    const message = hexOf(transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: 1n }]));
    const results = await Promise.allSettled(
      Array.from({ length: 70 }, () => call("estimateFee", { message })),
    );
    const busy = results.filter((r) => r.status === "rejected");
    expect(busy.length).toBe(6);
    expect((busy[0] as PromiseRejectedResult).reason).toMatchObject({ code: API_ERROR.BUSY });
    expect(await call("estimateFee", { message })).toMatchObject({ accepted: true });
  });

  test("a get-method of a masterchain contract sees the masterchain head's time and lt", async () => {
    const { chain } = await testChain([{ seed: "alice", balance: 10n * GRAM, workchain: -1n }]);
    const code = assemble(
      ".entry recv_internal\n  RET\n.entry now\n  NOW\n  RET\n.entry lt\n  LTIME\n  RET\n",
    );
    const init = { code, data: [] };
    const at = deployAddress(init, -1n);
    const m = transfer(
      "alice",
      0n,
      [{ to: at, valueNano: GRAM, init, bounce: false }],
      GENESIS_TIME + 60n,
      -1n,
    );
    await chain.produceRound(GENESIS_TIME + 5n, {
      shard: [],
      mc: [ext(m)],
    });
    const mempool = new Mempool({}, { chain, now: () => GENESIS_TIME + 6n });
    const methods = apiMethods({
      chain,
      mempool,
      host: createCachingHost(),
      network: "test",
      now: () => GENESIS_TIME + 6n,
    });
    const get = async (name: string) => {
      const r = (await methods.runGetMethod.handler(
        methods.runGetMethod.params({ address: `-1:${toHex(at.id)}`, method: name }),
        {} as never,
      )) as { stack: { int: string }[] };
      return BigInt(r.stack[0].int);
    };
    expect(await get("lt")).toBe(chain.head.mc.header.endLt);
    expect(chain.head.mc.header.endLt).not.toBe(chain.head.shard.header.endLt);
    expect(await get("now")).toBe(chain.head.mc.header.time);
  });
});
