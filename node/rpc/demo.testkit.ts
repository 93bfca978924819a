// A small method table and a server started on 127.0.0.1:0 for the rpc tests, with the log
// lines kept so tests can see what was logged and what was not sent.
import { pino } from "pino";
import { Registry } from "prom-client";
import { RpcError } from "./errors.ts";
import { method, type RpcServer, type RpcServerDeps } from "./interface.ts";
import type { RpcServerOptions } from "./options.ts";
import * as p from "./params.ts";
import { createRpcServer } from "./server.ts";

export const SECRET = "secret detail of a broken handler";

export function demoMethods(notified: string[] = []) {
  return {
    echo: method({
      params: p.object({ value: p.string({ maxLength: 100 }) }),
      handler: ({ value }) => value,
    }),
    add: method({ params: p.object({ a: p.uint(), b: p.uint() }), handler: ({ a, b }) => a + b }),
    balance: method({
      params: p.object({ account: p.hex(32) }),
      handler: ({ account }) => ({ account, amountNano: 2n ** 70n, seqno: 3 }),
    }),
    nothing: method({ params: p.none, handler: () => undefined }),
    fail: method({
      params: p.none,
      handler: () => {
        throw new RpcError(-32010, "insufficient funds", { needNano: 5n });
      },
    }),
    crash: method({
      params: p.none,
      handler: async () => {
        throw new Error(SECRET);
      },
    }),
    note: method({
      params: p.object({ text: p.string() }),
      handler: ({ text }) => {
        notified.push(text);
        return "noted";
      },
    }),
  };
}

export const demoTopics = {
  blocks: { keyed: false },
  account: { keyed: true, normalizeKey: (key: string) => key.toLowerCase() },
  message: { keyed: true },
};

export interface DemoServer {
  server: RpcServer;
  registry: Registry;
  logs: () => Array<Record<string, unknown>>;
  notified: string[];
}

export async function startDemoServer(
  options: RpcServerOptions = {},
  deps: Partial<RpcServerDeps> = {},
): Promise<DemoServer> {
  const lines: string[] = [];
  const notified: string[] = [];
  const registry = new Registry();
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
  const server = await createRpcServer(
    { host: "127.0.0.1", port: 0, topics: demoTopics, ...options },
    { methods: demoMethods(notified), logger, metrics: registry, health: () => ({ height: 7n }), ...deps },
  );
  return { server, registry, notified, logs: () => lines.map((line) => JSON.parse(line)) };
}

/** POSTs a body to the server's JSON-RPC endpoint. */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; text: string; json: () => unknown; headers: Headers }> {
  const res = await fetch(`${url}/`, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text), headers: res.headers };
}

/** One JSON-RPC call over HTTP; the parsed response object. */
export async function call(url: string, method: string, params?: unknown, id: unknown = 1): Promise<unknown> {
  const res = await post(url, JSON.stringify({ jsonrpc: "2.0", method, params, id }));
  return res.json();
}

/** True when `value` is a JSON-RPC 2.0 response object or a non-empty array of them (§5, §6). */
export function isWellFormedResponse(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isResponseObject);
  return isResponseObject(value);
}

function isResponseObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  const keys = Object.keys(r).sort().join(",");
  if (r.jsonrpc !== "2.0") return false;
  const idOk = r.id === null || typeof r.id === "string" || typeof r.id === "number";
  if (keys === "id,jsonrpc,result") return idOk;
  if (keys !== "error,id,jsonrpc" || !idOk) return false;
  const e = r.error as Record<string, unknown>;
  if (typeof e !== "object" || e === null) return false;
  const errorKeys = Object.keys(e).filter((k) => k !== "data");
  return Number.isInteger(e.code) && typeof e.message === "string" && errorKeys.length === 2;
}
