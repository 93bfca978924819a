import { request } from "node:http";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type DemoServer, post, SECRET, startDemoServer } from "./demo.testkit.ts";

let demo: DemoServer;
let url: string;
beforeEach(async () => {
  demo = await startDemoServer({ maxBodyBytes: 1024, maxBatch: 3 });
  url = demo.server.url;
});
afterEach(() => demo.server.close());

const body = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }), id });

async function rpc(text: string): Promise<unknown> {
  const res = await post(url, text);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  return res.json();
}

describe("calls", () => {
  test("a call answers with its result and echoes the id", async () => {
    expect(await rpc(body("echo", { value: "hi" }, 7))).toEqual({ jsonrpc: "2.0", result: "hi", id: 7 });
    expect(await rpc(body("add", [], "x"))).toMatchObject({ error: { code: -32602 }, id: "x" });
    expect(await rpc(body("add", { a: 2, b: 3 }, null))).toEqual({ jsonrpc: "2.0", result: 5, id: null });
  });

  test("results carry bigint as a decimal string, bytes as hex and undefined as null", async () => {
    const account = "AB".repeat(32);
    const res = await post(url, body("balance", { account }));
    expect(res.text).toBe(
      `{"jsonrpc":"2.0","result":{"account":"${"ab".repeat(32)}","amountNano":"1180591620717411303424","seqno":3},"id":1}`,
    );
    expect(await rpc(body("nothing"))).toEqual({ jsonrpc: "2.0", result: null, id: 1 });
  });

  test("-32700 for a body that is not JSON or not UTF-8", async () => {
    expect(await rpc("{")).toMatchObject({ error: { code: -32700 }, id: null });
    const latin1 = new Uint8Array([0x22, 0xff, 0x22]);
    expect(await rpc(latin1 as unknown as string)).toMatchObject({
      error: { code: -32700, message: "parse error: the body is not valid UTF-8" },
      id: null,
    });
  });

  test("-32600 for requests that are not JSON-RPC 2.0", async () => {
    const cases: Array<[string, unknown]> = [
      ['{"jsonrpc":"1.0","method":"echo","id":4}', 4],
      ['{"method":"echo","id":4}', 4],
      ['{"jsonrpc":"2.0","method":5,"id":4}', 4],
      ['{"jsonrpc":"2.0","method":"echo","params":"x","id":4}', 4],
      ['{"jsonrpc":"2.0","method":"echo","id":4,"extra":1}', 4],
      ['{"jsonrpc":"2.0","method":"echo","id":{}}', null],
      ['{"jsonrpc":"2.0","method":"echo","id":1e400}', null],
      ["5", null],
      ["null", null],
      ["[]", null],
    ];
    for (const [text, id] of cases) {
      expect(await rpc(text), text).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 }, id });
    }
  });

  test("-32601 for unknown methods, Object.prototype's names and subscribe over HTTP", async () => {
    for (const name of ["nope", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(await rpc(body(name))).toMatchObject({ error: { code: -32601 }, id: 1 });
    }
    const sub = (await rpc(body("subscribe", { topic: "blocks" }))) as { error: { message: string } };
    expect(sub.error.message).toMatch(/subscriptions are served at \/ws/);
  });

  test("-32602 names the field, in the message and in data.field", async () => {
    expect(await rpc(body("echo", { value: 5 }))).toEqual({
      jsonrpc: "2.0",
      error: {
        code: -32602,
        message: "invalid params: value: expected a string, got a number",
        data: { field: "value" },
      },
      id: 1,
    });
    const proto = await rpc(
      '{"jsonrpc":"2.0","method":"echo","params":{"value":"a","__proto__":{"x":1}},"id":2}',
    );
    expect(proto).toMatchObject({
      error: { code: -32602, message: expect.stringContaining('"__proto__"') },
      id: 2,
    });
    for (const huge of ["1e400", "123456789012345678901234567890", "-1", "1.5"]) {
      const text = `{"jsonrpc":"2.0","method":"add","params":{"a":${huge},"b":1},"id":1}`;
      expect(await rpc(text), huge).toMatchObject({ error: { code: -32602, data: { field: "a" } } });
    }
  });

  test("-32603 hides the error from the client and logs its stack", async () => {
    const res = await post(url, body("crash"));
    expect(res.json()).toEqual({ jsonrpc: "2.0", error: { code: -32603, message: "internal error" }, id: 1 });
    expect(res.text).not.toContain(SECRET);
    const logged = demo.logs().find((line) => line.msg === "rpc method failed") as {
      err: { stack: string };
      method: string;
      module: string;
      level: number;
    };
    expect(logged.err.stack).toContain(SECRET);
    expect(logged.err.stack).toMatch(/\n\s+at /);
    expect([logged.method, logged.module, logged.level]).toEqual(["crash", "rpc", 50]);
  });

  test("application errors pass through with their code, message and data", async () => {
    expect(await rpc(body("fail"))).toEqual({
      jsonrpc: "2.0",
      error: { code: -32010, message: "insufficient funds", data: { needNano: "5" } },
      id: 1,
    });
  });
});

describe("batches and notifications", () => {
  test("a batch answers each request in order, leaving out notifications", async () => {
    const text = `[${body("echo", { value: "a" }, 1)},${JSON.stringify({ jsonrpc: "2.0", method: "note", params: { text: "n" } })},7]`;
    expect(await rpc(text)).toEqual([
      { jsonrpc: "2.0", result: "a", id: 1 },
      {
        jsonrpc: "2.0",
        error: { code: -32600, message: "invalid request: a request must be an object" },
        id: null,
      },
    ]);
    expect(demo.notified).toEqual(["n"]);
  });

  test("a notification, or a batch of them, gets 204 and no body, even when it fails", async () => {
    const note = (text: string) => JSON.stringify({ jsonrpc: "2.0", method: "note", params: { text } });
    const single = await post(url, note("one"));
    expect([single.status, single.text]).toEqual([204, ""]);
    const batch = await post(url, `[${note("two")},${note("three")},{"jsonrpc":"2.0","method":"nope"}]`);
    expect([batch.status, batch.text]).toEqual([204, ""]);
    expect(demo.notified.sort()).toEqual(["one", "three", "two"]);
    const crash = await post(url, '{"jsonrpc":"2.0","method":"crash"}');
    expect(crash.status).toBe(204);
    expect(demo.logs().some((line) => line.msg === "rpc method failed")).toBe(true);
  });

  test("a batch over maxBatch is one invalid request", async () => {
    const four = `[${[1, 2, 3, 4].map((id) => body("echo", { value: "x" }, id)).join(",")}]`;
    expect(await rpc(four)).toEqual({
      jsonrpc: "2.0",
      error: { code: -32600, message: "invalid request: a batch of 4 requests, more than 3" },
      id: null,
    });
    const three = (await rpc(
      `[${[1, 2, 3].map((id) => body("echo", { value: "x" }, id)).join(",")}]`,
    )) as unknown[];
    expect(three).toHaveLength(3);
  });
});

describe("transport refusals", () => {
  test("a body over maxBodyBytes gets 413, a JSON-RPC error and a closed connection", async () => {
    const big = body("echo", { value: "x".repeat(2000) });
    const res = await post(url, big);
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(res.json()).toEqual({
      jsonrpc: "2.0",
      error: { code: -32600, message: "invalid request: the body is larger than 1024 bytes" },
      id: null,
    });
  });

  test("a chunked body that grows past the limit gets 413 while it is still being sent", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/`, { method: "POST", headers: { "content-type": "application/json" } });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("[");
      req.write("1,".repeat(600));
    });
    expect(status).toBe(413);
  });

  test("a declared Content-Length over the limit is answered at once and the socket closed", async () => {
    const socket = connect(demo.server.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.write(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
    );
    await new Promise<void>((resolve) => socket.on("end", resolve));
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toContain('"code":-32600');
  });

  test("content types other than application/json get 415", async () => {
    for (const type of ["text/plain", "application/jsonx", "application/json; charset=latin1"]) {
      const res = await post(url, body("echo", { value: "a" }), { "content-type": type });
      expect([res.status, (res.json() as { error: { code: number } }).error.code], type).toEqual([
        415, -32600,
      ]);
    }
    const noType = await fetch(`${url}/`, { method: "POST", body: new Uint8Array([0x7b]) });
    expect(noType.status).toBe(415);
    const utf8 = await post(url, body("echo", { value: "a" }), {
      "content-type": "Application/JSON; Charset=UTF-8",
    });
    expect(utf8.status).toBe(200);
  });

  test("wrong HTTP methods get 405 with Allow, unknown paths 404, /ws without upgrade 426", async () => {
    const get = await fetch(`${url}/`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    expect(((await get.json()) as { error: { code: number } }).error.code).toBe(-32600);
    const postHealth = await fetch(`${url}/health`, { method: "POST" });
    expect([postHealth.status, postHealth.headers.get("allow")]).toEqual([405, "GET"]);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${url}/ws`)).status).toBe(426);
  });
});

describe("/health and /metrics", () => {
  test("/health merges health() into status ok", async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok","height":"7"}');
  });

  test("/metrics has the framework's counters, histogram and gauge", async () => {
    await rpc(body("echo", { value: "a" }));
    await rpc(body("echo", { value: 1 }));
    await rpc(body("nope"));
    await rpc("{");
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('rpc_requests_total{method="echo",outcome="ok"} 1');
    expect(text).toContain('rpc_requests_total{method="echo",outcome="invalid_params"} 1');
    expect(text).toContain('rpc_requests_total{method="(unknown)",outcome="method_not_found"} 1');
    expect(text).toContain('rpc_requests_total{method="(invalid)",outcome="parse_error"} 1');
    expect(text).toContain('rpc_request_seconds_count{method="echo"} 2');
    expect(text).toContain('rpc_request_seconds_bucket{le="+Inf",method="echo"} 2');
    expect(text).toContain("rpc_ws_connections 0");
    expect(text).not.toContain('method="nope"');
  });
});
