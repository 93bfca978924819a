import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { toHex } from "./bytes/index.ts";
import { GRAM, testGenesis, transfer, validatorKey, walletOf } from "./chain/testkit.ts";
import { encode } from "./codec/index.ts";
import { initDataDir } from "./datadir/index.ts";
import { Message } from "./ledger/index.ts";
import { type RunningNode, startNode } from "./node.ts";

const dirs: string[] = [];
const nodes: RunningNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function call(url: string, method: string, params?: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await res.json();
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field as a client would
  return body as { result?: any; error?: { code: number; message: string; data?: any } };
}

const raw = (a: { workchain: bigint; id: Uint8Array }) => `${a.workchain}:${toHex(a.id)}`;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function boot(dir?: string, intervals = { minBlockIntervalMs: 10, idleBlockIntervalMs: 200 }) {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), "gram-node-")));
  if (dir === undefined) {
    dirs.push(dataDir);
    const g = testGenesis([
      { seed: "alice", balance: 10n * GRAM },
      { seed: "bob", balance: GRAM },
    ]);
    await initDataDir(dataDir, { ...g, time: BigInt(Math.floor(Date.now() / 1000)) }, validatorKey);
  }
  const node = await startNode({
    dataDir,
    rpcPort: 0,
    ...intervals,
    logger: pino({ level: "silent" }),
  });
  nodes.push(node);
  return { node, dataDir };
}

describe("a node", () => {
  test("takes a transfer over JSON-RPC, makes it final, and serves it after a restart", async () => {
    const { node, dataDir } = await boot();
    const now = BigInt(Math.floor(Date.now() / 1000));
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: 2n * GRAM }], now + 60n);
    const sent = await call(node.rpcUrl, "sendMessage", { message: toHex(encode(Message, m)) });
    expect(sent.result?.status).toBe("accepted");
    const status = await until("final", async () => {
      const s = await call(node.rpcUrl, "getMessageStatus", { hash: sent.result.hash });
      return s.result?.status === "final" ? s.result : undefined;
    });
    expect(status.exitCode).toBe(0);
    const tx = await call(node.rpcUrl, "getTransaction", { hash: status.transaction });
    expect(tx.result.inMsg.type).toBe("externalIn");
    const bob = await call(node.rpcUrl, "getAccount", { address: raw(walletOf("bob")) });
    expect(BigInt(bob.result.balance)).toBeGreaterThan(2n * GRAM);
    expect(bob.result.proof.trie.length).toBeGreaterThan(0);
    const seqno = await call(node.rpcUrl, "runGetMethod", {
      address: raw(walletOf("alice")),
      method: "seqno",
    });
    expect(seqno.result.stack).toEqual([{ int: "1" }]);
    const history = await call(node.rpcUrl, "getTransactions", { address: raw(walletOf("bob")) });
    expect(history.result.length).toBe(1);
    expect(history.result[0].inMsg.value).toBe(String(2n * GRAM));

    await node.close();
    nodes.splice(0);
    const again = await boot(dataDir);
    const after = await call(again.node.rpcUrl, "getAccount", { address: raw(walletOf("bob")) });
    expect(after.result.balance).toBe(bob.result.balance);
    expect(
      (await call(again.node.rpcUrl, "getMessageStatus", { hash: sent.result.hash })).result.status,
    ).toBe("final");
  });

  test("a message accepted but not yet in a block waits again after a restart and becomes final", async () => {
    // Rounds an hour apart: the message is accepted, then the node stops before any round.
    const { node, dataDir } = await boot(undefined, {
      minBlockIntervalMs: 3_600_000,
      idleBlockIntervalMs: 3_600_000,
    });
    const now = BigInt(Math.floor(Date.now() / 1000));
    const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }], now + 60n);
    const sent = await call(node.rpcUrl, "sendMessage", { message: toHex(encode(Message, m)) });
    expect(sent.result?.status).toBe("accepted");
    expect((await call(node.rpcUrl, "getMessageStatus", { hash: sent.result.hash })).result.status).toBe(
      "accepted",
    );
    await node.close();
    nodes.splice(0);
    const again = await boot(dataDir);
    const status = await until("final", async () => {
      const s = await call(again.node.rpcUrl, "getMessageStatus", { hash: sent.result.hash });
      return s.result?.status === "final" ? s.result : undefined;
    });
    expect(status.exitCode).toBe(0);
    // Decided, it leaves the journal: a third start does not take it again.
    await again.node.close();
    nodes.splice(0);
    const third = await boot(dataDir);
    expect((await call(third.node.rpcUrl, "getChainInfo")).result.pendingMessages).toBe(0);
    // A chain started anew beside the journal would take messages of this one unchecked.
    await third.node.close();
    nodes.splice(0);
    await rm(join(dataDir, "db"), { recursive: true });
    await expect(initDataDir(dataDir, testGenesis([]), validatorKey)).rejects.toMatchObject({
      code: "CHAIN_ALREADY_INITIALIZED",
      message: expect.stringContaining("journal"),
    });
  });

  test("refuses bad messages and bad params with JSON-RPC errors and keeps serving", async () => {
    const { node } = await boot();
    const bad = await call(node.rpcUrl, "sendMessage", { message: "zz" });
    expect(bad.error?.code).toBe(-32011);
    const replay = await call(node.rpcUrl, "sendMessage", {
      message: toHex(encode(Message, transfer("alice", 9n, [], BigInt(Math.floor(Date.now() / 1000)) + 60n))),
    });
    expect(replay.error?.code).toBe(-32010);
    expect(replay.error?.data?.exitCode).toBe(33);
    expect((await call(node.rpcUrl, "getAccount", { address: "0:xyz" })).error?.code).toBe(-32001);
    expect((await call(node.rpcUrl, "getTransaction", { hash: "00".repeat(32) })).error?.code).toBe(-32004);
    expect((await call(node.rpcUrl, "getBlock", { seqno: -1 })).error?.code).toBe(-32602);
    const info = await call(node.rpcUrl, "getChainInfo");
    expect(info.result.network).toBe("test");
    const fee = await call(node.rpcUrl, "estimateFee", {
      message: toHex(
        encode(
          Message,
          transfer(
            "alice",
            0n,
            [{ to: walletOf("bob"), valueNano: GRAM }],
            BigInt(Math.floor(Date.now() / 1000)) + 60n,
          ),
        ),
      ),
    });
    expect(fee.result.accepted).toBe(true);
    expect(BigInt(fee.result.fee)).toBeGreaterThan(0n);
  });
});
