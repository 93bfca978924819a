// Sending from a wallet against a node that is busy, has no subscriptions, or refuses: a real
// JSON-RPC server (node/rpc) with a small method table stands in for the node.
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createRpcServer, method, p, RpcError, type RpcServer } from "../../node/rpc/index.ts";
import { PHRASES, run, tempHome } from "../testing.ts";

let home: string;
let remove: () => Promise<void>;
let server: RpcServer;
const calls: Record<string, number> = {};
let sendAnswers: Array<() => unknown> = [];

const count = (name: string) => {
  calls[name] = (calls[name] ?? 0) + 1;
};

beforeEach(async () => {
  ({ home, remove } = await tempHome());
  for (const k of Object.keys(calls)) delete calls[k];
  const any = (x: unknown) => x;
  server = await createRpcServer(
    { host: "127.0.0.1", port: 0, topics: {} },
    {
      methods: {
        getAccount: method({ params: any, handler: () => ({ status: "active", balance: "10000000000" }) }),
        runGetMethod: method({
          params: any,
          handler: () => ({ exitCode: 0, gasUsed: "1", stack: [{ int: "0" }] }),
        }),
        sendMessage: method({
          params: any,
          handler: () => {
            count("sendMessage");
            const answer = sendAnswers.shift();
            return answer === undefined ? { hash: "00", status: "accepted" } : answer();
          },
        }),
        getMessageStatus: method({
          params: p.object({ hash: p.hex(32) }),
          handler: ({ hash }) => {
            count("getMessageStatus");
            if ((calls.getMessageStatus ?? 0) < 3)
              return { hash: Buffer.from(hash).toString("hex"), status: "accepted" };
            return { status: "final", transaction: "ab".repeat(32), exitCode: 0, success: true };
          },
        }),
        getTransaction: method({
          params: any,
          handler: () => ({ hash: "ab".repeat(32), fee: "123", action: null, compute: { success: true } }),
        }),
      },
      logger: pino({ level: "silent" }),
      metrics: new Registry(),
      health: () => ({}),
    },
  );
  const imported = await run(["wallet", "import", "alice", "--mnemonic", PHRASES[0].words], env());
  expect(imported.code).toBe(0);
});
afterEach(async () => {
  sendAnswers = [];
  try {
    await server?.close();
  } finally {
    await remove();
  }
});

const env = () => ({ GRAM_HOME: home, GRAM_PASSWORD: "pw" });
const to = `0:${"11".repeat(32)}`;
const busy = () => {
  throw new RpcError(-32012, "the node has too many messages waiting", {
    reason: "MEMPOOL_FULL",
    exitCode: null,
  });
};

describe("sending from a wallet", () => {
  test("resends while the node is busy, and follows the message by polling when it has no subscriptions", async () => {
    sendAnswers = [busy, busy];
    const r = await run(["--rpc", server.url, "transfer", "alice", to, "1", "--no-bounce", "--json"], env());
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "final", fee: "123" });
    expect(calls.sendMessage).toBe(3);
    expect(calls.getMessageStatus).toBeGreaterThanOrEqual(3);
  });

  test("a node that stays busy until the message expires is one clear line", async () => {
    sendAnswers = Array.from({ length: 100 }, () => busy);
    const r = await run(["--rpc", server.url, "transfer", "alice", to, "1", "--timeout", "5"], env());
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/stayed busy .* until the message expired/);
  }, 20_000);

  test("a message the wallet could not accept within its gas credit says the order is too large", async () => {
    sendAnswers = [
      () => {
        throw new RpcError(-32010, "the contract did not accept the message (exit code 13)", {
          reason: "MEMPOOL_REFUSED",
          exitCode: 13,
        });
      },
    ];
    const r = await run(["--rpc", server.url, "transfer", "alice", to, "1"], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ran out of its gas credit .* too large/);
  });
});
