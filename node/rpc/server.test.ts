import { Agent, request } from "node:http";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { demoMethods, startDemoServer } from "./demo.testkit.ts";
import { method, type RpcServer } from "./interface.ts";
import * as p from "./params.ts";
import { createRpcServer } from "./server.ts";

const servers: RpcServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const quietDeps = () => ({
  methods: demoMethods(),
  logger: pino({ level: "silent" }),
  metrics: new Registry(),
  health: () => ({}),
});

/** A GET over a keep-alive agent, leaving the connection open and idle afterwards. */
function getKeepAlive(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    })
      .on("error", reject)
      .end();
  });
}

describe("createRpcServer", () => {
  test("binds 127.0.0.1 on a free port and says where", async () => {
    const { server } = await startDemoServer();
    servers.push(server);
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  test("refuses bad options and method tables at start", async () => {
    await expect(createRpcServer({ maxBatch: 0 }, quietDeps())).rejects.toThrow(RangeError);
    await expect(createRpcServer({ port: 70_000 }, quietDeps())).rejects.toThrow(RangeError);
    await expect(createRpcServer({ topics: { x: {} as never } }, quietDeps())).rejects.toThrow(TypeError);
    const reserved = { ...quietDeps(), methods: { subscribe: method({ params: p.none, handler: () => 1 }) } };
    await expect(createRpcServer({}, reserved)).rejects.toThrow(/reserved/);
    const broken = { ...quietDeps(), methods: { x: { handler: () => 1 } as never } };
    await expect(createRpcServer({}, broken)).rejects.toThrow(TypeError);
  });

  test("two servers may share one metrics registry", async () => {
    const deps = quietDeps();
    servers.push(await createRpcServer({}, deps), await createRpcServer({}, deps));
    const text = await (await fetch(`${servers[1].url}/metrics`)).text();
    expect(text.match(/^# TYPE rpc_requests_total counter$/gm)).toHaveLength(1);
  });

  test("a failing health() answers 503 with its message", async () => {
    const { server } = await startDemoServer({}, { health: () => Promise.reject(new Error("store closed")) });
    servers.push(server);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "error", error: "store closed" });
  });
});

describe("close()", () => {
  test("closes WebSocket clients with 1001 and idle keep-alive sockets, then refuses connections", async () => {
    const { server } = await startDemoServer();
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws`);
    await new Promise((resolve) => ws.once("open", resolve));
    const closed = new Promise<number>((resolve) => ws.once("close", resolve));
    const agent = new Agent({ keepAlive: true });
    expect(await getKeepAlive(`${server.url}/health`, agent)).toBe(200);
    const sockets = Object.values(agent.freeSockets).flat();
    expect(sockets).toHaveLength(1);
    const socketClosed = new Promise((resolve) => sockets[0]!.once("close", resolve));

    await server.close();
    expect(await closed).toBe(1001);
    await socketClosed;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    agent.destroy();
    await server.close();
  });

  test("lets a call in flight finish before the socket closes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const methods = {
      ...demoMethods(),
      wait: method({
        params: p.none,
        handler: async () => {
          started();
          await gate;
          return "done";
        },
      }),
    };
    const { server } = await startDemoServer({}, { methods });
    const answer = fetch(`${server.url}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jsonrpc":"2.0","method":"wait","id":1}',
    }).then((res) => res.json());
    await inHandler;
    const closing = server.close();
    release();
    expect(await answer).toEqual({ jsonrpc: "2.0", result: "done", id: 1 });
    await closing;
  });
});
