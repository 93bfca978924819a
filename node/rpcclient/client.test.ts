import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createRpcServer, method, p, RpcError, type RpcServer } from "../rpc/index.ts";
import { RpcClient, RpcClientError } from "./index.ts";

let server: RpcServer;
let release: () => void = () => {};
const extraServers: Server[] = [];

beforeEach(async () => {
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  server = await createRpcServer(
    { host: "127.0.0.1", port: 0, topics: { blocks: { keyed: false }, account: { keyed: true } } },
    {
      methods: {
        double: method({
          params: p.object({ amountNano: p.bigintString() }),
          handler: ({ amountNano }) => ({ amountNano: amountNano * 2n }),
        }),
        broke: method({
          params: p.none,
          handler: () => {
            throw new RpcError(-32004, "account not found", { account: "0:ab" });
          },
        }),
        hang: method({ params: p.none, handler: () => gate }),
      },
      logger: pino({ level: "silent" }),
      metrics: new Registry(),
      health: () => ({}),
    },
  );
});
afterEach(async () => {
  release();
  await server.close();
  await Promise.all(extraServers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A plain HTTP server that answers every request with `status` and `body`, to play a broken node. */
async function fakeNode(status: number, body: string): Promise<string> {
  const fake = createServer((_req, res) =>
    res.writeHead(status, { "content-type": "application/json" }).end(body),
  );
  extraServers.push(fake);
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
}

async function failure(promise: Promise<unknown>): Promise<RpcClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcClientError);
  return err as RpcClientError;
}

describe("call", () => {
  test("sends bigint params as decimal strings and returns the result", async () => {
    const client = new RpcClient(server.url);
    expect(await client.call("double", { amountNano: 2n ** 64n })).toEqual({
      amountNano: "36893488147419103232",
    });
  });

  test("a server error keeps its code, message and data", async () => {
    const client = new RpcClient(`${server.url}/`);
    const err = await failure(client.call("broke"));
    expect([err.code, err.message, err.data]).toEqual([-32004, "account not found", { account: "0:ab" }]);
    expect((await failure(client.call("nope"))).code).toBe(-32601);
    expect((await failure(client.call("double", { amountNano: "x" }))).code).toBe(-32602);
  });

  test("a closed port is UNREACHABLE, naming the URL and the reason", async () => {
    const url = server.url;
    await server.close();
    const err = await failure(new RpcClient(url).call("double", { amountNano: "1" }));
    expect(err.code).toBe("UNREACHABLE");
    expect(err.message).toBe(`cannot reach node at ${url}: connection refused`);
  });

  test("no answer within timeoutMs is TIMEOUT", async () => {
    const err = await failure(new RpcClient(server.url, { timeoutMs: 50 }).call("hang"));
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toContain("did not answer hang within 50 ms");
  });

  test("answers that are not JSON-RPC, or not to this request, are BAD_RESPONSE", async () => {
    for (const [status, body] of [
      [502, "<html>bad gateway</html>"],
      [200, '{"jsonrpc":"2.0","result":1,"id":999}'],
      [200, '{"jsonrpc":"1.0","result":1,"id":1}'],
      [200, '{"jsonrpc":"2.0","id":1}'],
      [200, '{"jsonrpc":"2.0","error":{"code":"x"},"id":1}'],
      [200, "[]"],
    ] as const) {
      const err = await failure(new RpcClient(await fakeNode(status, body)).call("x"));
      expect(err.code, body).toBe("BAD_RESPONSE");
    }
  });

  test("refuses a URL that is not http(s)", () => {
    expect(() => new RpcClient("ws://127.0.0.1:1")).toThrow(TypeError);
    expect(() => new RpcClient("not a url")).toThrow(TypeError);
    expect(() => new RpcClient("http://127.0.0.1:1", { timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe("subscribe and waitFor", () => {
  test("subscribe delivers payloads of its topic until closed", async () => {
    const client = new RpcClient(server.url);
    const received: unknown[] = [];
    let arrived: () => void = () => {};
    const sub = await client.subscribe("blocks", undefined, (message) => {
      received.push(message);
      arrived();
    });
    expect(typeof sub.id).toBe("string");
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    expect(server.publish("blocks", undefined, { height: 1n })).toBe(1);
    await first;
    expect(received).toEqual([{ height: "1" }]);
    await sub.close();
    await expect.poll(() => server.publish("blocks", undefined, { height: 2n })).toBe(0);
  });

  test("a refused subscription rejects with the server's code", async () => {
    const client = new RpcClient(server.url);
    const err = await failure(client.subscribe("nope", undefined, () => {}));
    expect(err.code).toBe(-32602);
  });

  test("a closed port is UNREACHABLE for subscribe too", async () => {
    const url = server.url;
    await server.close();
    const err = await failure(new RpcClient(url).subscribe("blocks", undefined, () => {}));
    expect(err.code).toBe("UNREACHABLE");
    expect(err.message).toContain("connection refused");
  });

  test("waitFor resolves with the first matching event of its key", async () => {
    const client = new RpcClient(server.url);
    const waiting = client.waitFor<{ seqno: number }>("account", "a", (m) => m.seqno >= 3, 30_000);
    // Until the subscription is in place a publish reaches nobody; events that do not match are skipped.
    await expect.poll(() => server.publish("account", "a", { seqno: 1 }), { timeout: 30_000 }).toBe(1);
    server.publish("account", "b", { seqno: 5 });
    server.publish("account", "a", { seqno: 3 });
    expect(await waiting).toEqual({ seqno: 3 });
    await expect.poll(() => server.publish("account", "a", { seqno: 4 })).toBe(0);
  });

  test("waitFor with nothing matching is TIMEOUT; a dropped connection is UNREACHABLE", async () => {
    const client = new RpcClient(server.url);
    const timedOut = await failure(client.waitFor("blocks", undefined, () => false, 100));
    expect(timedOut.code).toBe("TIMEOUT");
    const waiting = client.waitFor("blocks", undefined, () => false, 30_000);
    await expect.poll(() => server.publish("blocks", undefined, 0), { timeout: 30_000 }).toBe(1);
    const dropped = failure(waiting);
    await server.close();
    expect((await dropped).code).toBe("UNREACHABLE");
  });
});
