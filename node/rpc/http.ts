// The HTTP side: POST / for JSON-RPC, GET /health, GET /ready, GET /metrics. Transport failures (size, HTTP
// method, content type, path) get their HTTP status and a JSON-RPC error body; JSON-RPC
// answers themselves are 200, or 204 when only notifications came.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Dispatcher } from "./dispatch.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import type { RpcContext } from "./interface.ts";
import { toJson } from "./json.ts";
import { errorText } from "./protocol.ts";

export interface HttpDeps {
  dispatcher: Dispatcher;
  health: () => object | Promise<object>;
  /** GET /ready: 200 when `ready` is true, 503 otherwise, with the object as the body. */
  ready?: () => { ready: boolean } & object;
  registry: Registry;
  log: Logger;
  maxBodyBytes: number;
}

type Serve = (req: IncomingMessage, res: ServerResponse, deps: HttpDeps) => Promise<void>;

const routes: ReadonlyMap<string, { method: string; serve: Serve }> = new Map([
  ["/", { method: "POST", serve: serveRpc }],
  ["/health", { method: "GET", serve: serveHealth }],
  ["/ready", { method: "GET", serve: serveReady }],
  ["/metrics", { method: "GET", serve: serveMetrics }],
  ["/ws", { method: "GET", serve: serveWsWithoutUpgrade }],
]);

export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(req, res, deps).catch((err) => {
      deps.log.error({ err, url: req.url }, "rpc http request failed");
      if (res.headersSent) res.destroy();
      else sendError(req, res, 500, RpcErrorCode.INTERNAL_ERROR, "internal error");
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  const target = routes.get(path);
  if (target === undefined) return sendError(req, res, 404, RpcErrorCode.INVALID_REQUEST, "no such path");
  if (req.method !== target.method) {
    res.setHeader("allow", target.method);
    const message = `HTTP method ${req.method} is not allowed here; use ${target.method}`;
    return sendError(req, res, 405, RpcErrorCode.INVALID_REQUEST, message);
  }
  await target.serve(req, res, deps);
}

async function serveRpc(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const typeProblem = contentTypeProblem(req.headers["content-type"]);
  if (typeProblem !== undefined) return sendError(req, res, 415, RpcErrorCode.INVALID_REQUEST, typeProblem);
  const body = await readBody(req, deps.maxBodyBytes);
  if (body === "aborted") return;
  if (body === "too-large") {
    const message = `invalid request: the body is larger than ${deps.maxBodyBytes} bytes`;
    return sendError(req, res, 413, RpcErrorCode.INVALID_REQUEST, message);
  }
  const ctx: RpcContext = { transport: "http", remoteAddress: req.socket.remoteAddress, logger: deps.log };
  const text = await deps.dispatcher.handle(body, ctx);
  if (text === undefined) res.writeHead(204).end();
  else sendJson(res, 200, text);
}

async function serveHealth(_req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  let text: string;
  try {
    text = toJson({ status: "ok", ...(await deps.health()) });
  } catch (err) {
    deps.log.warn({ err }, "health check failed");
    const message = err instanceof Error ? err.message : String(err);
    return sendJson(res, 503, JSON.stringify({ status: "error", error: message }));
  }
  sendJson(res, 200, text);
}

async function serveReady(_req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  // A node without consensus to take part in is ready whenever it is alive.
  const state = deps.ready?.() ?? { ready: true };
  sendJson(res, state.ready ? 200 : 503, toJson(state));
}

async function serveMetrics(_req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const text = await deps.registry.metrics();
  res.writeHead(200, {
    "content-type": deps.registry.contentType,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function serveWsWithoutUpgrade(req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader("upgrade", "websocket");
  sendError(req, res, 426, RpcErrorCode.INVALID_REQUEST, "/ws serves WebSocket connections only");
}

/** undefined when the type is application/json (any parameters, charset utf-8 if given). */
function contentTypeProblem(header: string | undefined): string | undefined {
  const [type, ...parameters] = (header ?? "").split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json")
    return `content type must be application/json, got ${header ? `"${header.slice(0, 80)}"` : "none"}`;
  const charset = parameters.find((param) => param.startsWith("charset="));
  if (charset !== undefined && !["charset=utf-8", 'charset="utf-8"'].includes(charset)) {
    return `the only charset accepted is utf-8, got ${charset.slice(0, 40)}`;
  }
  return undefined;
}

/** The whole body, or why not: over `maxBytes` (by Content-Length or while reading) or cut off. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | "too-large" | "aborted"> {
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.resolve("too-large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Uint8Array | "too-large" | "aborted") => {
      req.off("data", onData).off("end", onEnd).off("error", onAborted).off("close", onAborted);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish("too-large");
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onAborted = () => finish("aborted");
    req.on("data", onData).on("end", onEnd).on("error", onAborted).on("close", onAborted);
  });
}

function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A transport-level refusal. When the request body was not read to its end the connection is
 * closed after the answer, so the rest of the body cannot be taken for a next request and the
 * socket is not left open.
 */
function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  if (!req.complete) res.setHeader("connection", "close");
  sendJson(res, status, errorText(null, new RpcError(code, message)));
}
