// JSON-RPC over WebSocket at /ws: the method table plus subscribe/unsubscribe, and delivery of
// published events. Every connection is bounded: a cap on connections, on subscriptions, on
// message size, and on bytes waiting to be sent (a slow consumer is closed, not buffered).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import type { Dispatcher, Lookup } from "./dispatch.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import type { Method, RpcContext } from "./interface.ts";
import type { RpcMetrics } from "./metrics.ts";
import * as p from "./params.ts";
import { errorText } from "./protocol.ts";
import type { Subscriptions } from "./subscriptions.ts";

// A built-in, not an import of node:http: server.ts says why.
const { STATUS_CODES } = process.getBuiltinModule("node:http");

/** Close codes (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;
const POLICY_VIOLATION = 1008;

/** Most bytes of events held back before they are written (see send). */
const CORK_BYTES = 64 * 1024;

/** How long a closing client has to answer the close frame before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

export interface Connection {
  ws: WebSocket;
  /** The connection's socket, held back (corked) while one turn of the event loop sends to it. */
  socket: Duplex;
  /** Bytes sent to the corked socket this turn; null: not corked. */
  corked: number | null;
  ctx: RpcContext;
  lookup: Lookup;
  closed: boolean;
}

export interface WsGatewayDeps {
  dispatcher: Dispatcher;
  subscriptions: Subscriptions<Connection>;
  metrics: RpcMetrics;
  log: Logger;
  maxConnections: number;
  maxMessageBytes: number;
  queueLimit: number;
}

const subscribeParams = p.object({
  topic: p.string({ maxLength: 64 }),
  key: p.optional(p.string({ maxLength: 256 })),
});
const unsubscribeParams = p.object({ subscription: p.string({ maxLength: 64 }) });

export class WsGateway {
  readonly #deps: WsGatewayDeps;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  #closing = false;

  constructor(deps: WsGatewayDeps) {
    this.#deps = deps;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  /** Takes over an HTTP upgrade to /ws, or refuses it with 503 when closing or full. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {});
    if (this.#closing) refuse(socket, 503, "the server is shutting down");
    else if (this.#connections.size >= this.#deps.maxConnections) {
      refuse(socket, 503, `at most ${this.#deps.maxConnections} WebSocket connections`);
    } else this.#wss.handleUpgrade(req, socket, head, (ws) => this.#open(ws, req, socket));
  }

  /** Sends one message, or closes the connection (1008) when its send queue is over the limit. */
  send(conn: Connection, text: string): boolean {
    if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) return false;
    const queued = conn.ws.bufferedAmount;
    if (queued > 0 && queued + Buffer.byteLength(text) > this.#deps.queueLimit) {
      this.#closeSlow(conn, queued);
      return false;
    }
    // A round publishes thousands of events at once: they leave in a few writes, not one each,
    // and a write at least every CORK_BYTES keeps the send queue measured by what the peer reads.
    if (conn.corked === null) {
      conn.corked = 0;
      conn.socket.cork();
      process.nextTick(() => {
        conn.corked = null;
        conn.socket.uncork();
      });
    } else if (conn.corked > CORK_BYTES) {
      conn.corked = 0;
      conn.socket.uncork();
      conn.socket.cork();
    }
    conn.corked += text.length;
    conn.ws.send(text);
    return true;
  }

  /** Closes every connection with 1001 and resolves when all are closed (cut after a grace). */
  async closeAll(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#connections].map((conn) => closeAndWait(conn.ws)));
    this.#wss.close();
  }

  #open(ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
    const { dispatcher, metrics, log, subscriptions } = this.#deps;
    const ctx: RpcContext = { transport: "ws", remoteAddress: req.socket.remoteAddress, logger: log };
    const conn: Connection = { ws, socket, corked: null, ctx, lookup: () => undefined, closed: false };
    const builtins = this.#builtins(conn);
    conn.lookup = (name) => builtins.get(name);
    this.#connections.add(conn);
    metrics.wsConnections.inc();
    ws.on("message", (data) => {
      dispatcher
        .handle(data as Buffer, ctx, conn.lookup)
        .then((text) => text !== undefined && this.send(conn, text))
        .catch((err) => log.error({ err }, "rpc websocket message failed"));
    });
    ws.on("error", (err) => log.debug({ err, remoteAddress: ctx.remoteAddress }, "rpc websocket error"));
    ws.on("close", () => {
      conn.closed = true;
      this.#connections.delete(conn);
      subscriptions.removeAll(conn);
      metrics.wsSubscriptions.set(subscriptions.size);
      metrics.wsConnections.dec();
    });
  }

  #builtins(conn: Connection): ReadonlyMap<string, Method> {
    const { subscriptions, metrics } = this.#deps;
    const subscribe: Method<p.Infer<typeof subscribeParams>, string> = {
      params: subscribeParams,
      handler: ({ topic, key }) => {
        const id = subscriptions.add(conn, topic, key);
        if (conn.closed) subscriptions.remove(conn, id);
        metrics.wsSubscriptions.set(subscriptions.size);
        return id;
      },
    };
    const unsubscribe: Method<p.Infer<typeof unsubscribeParams>, boolean> = {
      params: unsubscribeParams,
      handler: ({ subscription }) => {
        const removed = subscriptions.remove(conn, subscription);
        metrics.wsSubscriptions.set(subscriptions.size);
        return removed;
      },
    };
    return new Map<string, Method>([
      ["subscribe", subscribe],
      ["unsubscribe", unsubscribe],
    ]);
  }

  #closeSlow(conn: Connection, queued: number): void {
    const { subscriptions, metrics, log } = this.#deps;
    conn.closed = true;
    subscriptions.removeAll(conn);
    metrics.wsSubscriptions.set(subscriptions.size);
    metrics.wsSlowClosed.inc();
    log.warn(
      { remoteAddress: conn.ctx.remoteAddress, queuedBytes: queued },
      "closing a slow websocket consumer",
    );
    conn.ws.close(POLICY_VIOLATION, "send queue limit exceeded");
    const timer = setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    conn.ws.once("close", () => clearTimeout(timer));
  }
}

function closeAndWait(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(GOING_AWAY, "server shutting down");
  });
}

/** Answers an upgrade it will not take with an HTTP status and a JSON-RPC error, then closes. */
export function refuse(socket: Duplex, status: 404 | 503, message: string): void {
  const body = errorText(null, new RpcError(RpcErrorCode.INVALID_REQUEST, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
