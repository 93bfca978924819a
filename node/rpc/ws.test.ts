import { afterEach, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { type DemoServer, startDemoServer } from "./demo.testkit.ts";
import type { RpcServerOptions } from "./options.ts";

/** A WebSocket client that queues what it receives, so tests await messages instead of sleeping. */
class Client {
  readonly ws: WebSocket;
  readonly #queue: unknown[] = [];
  readonly #waiters: Array<(message: unknown) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #nextId = 1;

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
    this.ws.on("message", (data) => {
      const message = JSON.parse(String(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
    });
  }

  static async open(url: string): Promise<Client> {
    const client = new Client(url);
    await new Promise((resolve, reject) => client.ws.once("open", resolve).once("error", reject));
    return client;
  }

  next(): Promise<unknown> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends a call and returns the next message, which is its answer when nothing else is due. */
  async call(
    method: string,
    params?: unknown,
  ): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ jsonrpc: "2.0", method, params, id }));
    const answer = (await this.next()) as {
      id: number;
      result?: unknown;
      error?: { code: number; message: string };
    };
    expect(answer.id).toBe(id);
    return answer;
  }

  async subscribe(topic: string, key?: string): Promise<string> {
    const { result } = await this.call("subscribe", key === undefined ? { topic } : { topic, key });
    expect(typeof result).toBe("string");
    return result as string;
  }
}

/** The HTTP status an upgrade that the server refuses is answered with. */
function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url.replace(/^http/, "ws"));
  return new Promise((resolve, reject) => {
    ws.on("error", reject);
    ws.on("unexpected-response", (req, res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
  });
}

let demo: DemoServer | undefined;
const clients: Client[] = [];
async function start(options: RpcServerOptions = {}): Promise<DemoServer> {
  demo = await startDemoServer(options);
  return demo;
}
async function connect(): Promise<Client> {
  const client = await Client.open(demo!.server.url);
  clients.push(client);
  return client;
}
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await demo?.server.close();
  demo = undefined;
});

describe("json-rpc over websocket", () => {
  test("the method table answers; garbage gets an error and the connection stays open", async () => {
    await start();
    const client = await connect();
    expect(await client.call("add", { a: 1, b: 2 })).toEqual({ jsonrpc: "2.0", result: 3, id: 1 });
    client.ws.send("{not json");
    expect(await client.next()).toMatchObject({ error: { code: -32700 }, id: null });
    client.ws.send(Buffer.from([0xff, 0xfe]));
    expect(await client.next()).toMatchObject({ error: { code: -32700 }, id: null });
    client.ws.send('{"jsonrpc":"2.0","method":"note","params":{"text":"quiet"}}');
    client.ws.send('[{"jsonrpc":"2.0","method":"echo","params":{"value":"b"},"id":"b"}]');
    expect(await client.next()).toEqual([{ jsonrpc: "2.0", result: "b", id: "b" }]);
    expect(demo!.notified).toEqual(["quiet"]);
  });

  test("a message over maxBodyBytes closes the connection with 1009", async () => {
    await start({ maxBodyBytes: 256 });
    const client = await connect();
    client.ws.send(
      JSON.stringify({ jsonrpc: "2.0", method: "echo", params: { value: "x".repeat(300) }, id: 1 }),
    );
    expect((await client.closed).code).toBe(1009);
  });

  test("connections past maxWsConnections are refused with 503", async () => {
    await start({ maxWsConnections: 1 });
    await connect();
    expect(await upgradeStatus(`${demo!.server.url}/ws`)).toBe(503);
    const metrics = await (await fetch(`${demo!.server.url}/metrics`)).text();
    expect(metrics).toContain("rpc_ws_connections 1");
  });

  test("an upgrade at another path is refused with 404", async () => {
    await start();
    expect(await upgradeStatus(`${demo!.server.url}/other`)).toBe(404);
  });
});

describe("subscriptions", () => {
  test("subscribe, publish, notification: the exact message, bigint as a string", async () => {
    await start();
    const client = await connect();
    const id = await client.subscribe("blocks");
    expect(demo!.server.publish("blocks", undefined, { height: 5n })).toBe(1);
    expect(await client.next()).toEqual({
      jsonrpc: "2.0",
      method: "subscription",
      params: { subscription: id, result: { height: "5" } },
    });
  });

  test("keys filter: a keyed subscription gets its key, one without a key gets all", async () => {
    await start();
    const client = await connect();
    const { server } = demo!;
    expect(server.subscribed("account")).toBe(false);
    const aa = await client.subscribe("account", "AA");
    expect([server.subscribed("account"), server.subscribed("message")]).toEqual([true, false]);
    const all = await client.subscribe("account");
    const message = await client.subscribe("message", "aa");
    expect(server.subscribed("message")).toBe(true);
    expect([
      server.publish("account", "aa", 1),
      server.publish("account", "bb", 2),
      server.publish("message", "aa", 3),
      server.publish("message", "bb", 4),
    ]).toEqual([2, 1, 1, 0]);
    const received = [];
    for (let i = 0; i < 4; i++) {
      const { params } = (await client.next()) as { params: { subscription: string; result: number } };
      received.push([params.subscription, params.result]);
    }
    expect(received.sort()).toEqual(
      [
        [aa, 1],
        [all, 1],
        [all, 2],
        [message, 3],
      ].sort(),
    );
  });

  test("a payload given as a function is made only when someone receives it", async () => {
    const { server } = await start();
    let made = 0;
    const payload = () => {
      made++;
      return { height: 7n };
    };
    expect(server.publish("blocks", undefined, payload)).toBe(0);
    expect(made).toBe(0);
    const client = await connect();
    const id = await client.subscribe("blocks");
    expect(server.publish("blocks", undefined, payload)).toBe(1);
    expect(made).toBe(1);
    expect(await client.next()).toMatchObject({ params: { subscription: id, result: { height: "7" } } });
  });

  test("thousands of events published in one turn all arrive, in order", async () => {
    const { server } = await start();
    const client = await connect();
    await client.subscribe("message");
    const n = 5_000;
    for (let i = 0; i < n; i++)
      expect(server.publish("message", `m${i}`, { i, pad: "x".repeat(100) })).toBe(1);
    for (let i = 0; i < n; i++) {
      const { params } = (await client.next()) as { params: { result: { i: number } } };
      expect(params.result.i).toBe(i);
    }
  });

  test("unsubscribe stops delivery and answers true, then false", async () => {
    await start();
    const client = await connect();
    const id = await client.subscribe("blocks");
    expect((await client.call("unsubscribe", { subscription: id })).result).toBe(true);
    expect(demo!.server.publish("blocks", undefined, 1)).toBe(0);
    expect((await client.call("unsubscribe", { subscription: id })).result).toBe(false);
  });

  test("a connection cannot unsubscribe another's subscription", async () => {
    await start();
    const owner = await connect();
    const other = await connect();
    const id = await owner.subscribe("blocks");
    expect((await other.call("unsubscribe", { subscription: id })).result).toBe(false);
    expect(demo!.server.publish("blocks", undefined, 1)).toBe(1);
  });

  test("bad topics and keys are INVALID_PARAMS, the per-connection cap LIMIT_EXCEEDED", async () => {
    await start({ maxSubscriptionsPerConnection: 2 });
    const client = await connect();
    expect((await client.call("subscribe", { topic: "nope" })).error).toMatchObject({
      code: -32602,
      message: expect.stringContaining("unknown topic"),
    });
    expect((await client.call("subscribe", { topic: "blocks", key: "x" })).error?.code).toBe(-32602);
    expect((await client.call("subscribe", { topic: "blocks", extra: 1 })).error?.code).toBe(-32602);
    await client.subscribe("blocks");
    await client.subscribe("account", "a");
    expect((await client.call("subscribe", { topic: "blocks" })).error?.code).toBe(-32005);
  });

  test("publish refuses unknown topics and a key where none belongs (or none where one does)", async () => {
    const { server } = await start();
    expect(() => server.publish("nope", undefined, 1)).toThrow(TypeError);
    expect(() => server.publish("blocks", "k", 1)).toThrow(TypeError);
    expect(() => server.publish("account", undefined, 1)).toThrow(TypeError);
  });

  test("a closed connection's subscriptions are dropped", async () => {
    const { server } = await start();
    const client = await connect();
    await client.subscribe("blocks");
    client.ws.close();
    await client.closed;
    await expect.poll(() => server.publish("blocks", undefined, 1)).toBe(0);
  });

  test("a consumer that stops reading is closed with 1008 once its queue passes wsQueueLimit", async () => {
    const { server } = await start({ wsQueueLimit: 64 * 1024 });
    const slow = await connect();
    const fast = await connect();
    await slow.subscribe("blocks");
    await fast.subscribe("blocks");
    slow.ws.pause();
    let fastReceived = 0;
    fast.ws.on("message", () => fastReceived++);
    const payload = "x".repeat(32 * 1024);
    let sent = 0;
    let reached = 2;
    for (let i = 0; i < 4000 && reached === 2; i++) {
      reached = server.publish("blocks", undefined, payload);
      sent++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reached).toBe(1);
    slow.ws.resume();
    expect(await slow.closed).toEqual({ code: 1008, reason: "send queue limit exceeded" });
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    await expect.poll(() => fastReceived).toBe(sent);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain("rpc_ws_slow_closed_total 1");
  });
});
