// createRpcServer: wires the dispatcher, HTTP routes, the WebSocket gateway and subscriptions
// onto one node:http server and one port.
import type { AddressInfo } from "node:net";
import { Dispatcher, WS_ONLY_METHODS } from "./dispatch.ts";
import { createHttpHandler } from "./http.ts";
import type { Method, RpcServer, RpcServerDeps } from "./interface.ts";
import { toJson } from "./json.ts";
import { createRpcMetrics } from "./metrics.ts";
import { type RpcServerOptions, resolveOptions } from "./options.ts";
import { Subscriptions } from "./subscriptions.ts";
import { type Connection, refuse, WsGateway } from "./ws.ts";

// node:http is taken as a built-in, not imported: an `import` of it builds an ES module view that
// reads every export, and reading its WebSocket and event classes loads undici (Node's fetch),
// which this server never uses: 35 ms of every node's start, 60 ms of CPU.
const { createServer } = process.getBuiltinModule("node:http");

/** Time an HTTP request may take to arrive whole; a slow sender is cut after it. */
const REQUEST_TIMEOUT_MS = 30_000;

/** How long calls in flight at close() may take to answer before their sockets are cut. */
const CLOSE_GRACE_MS = 2000;

/** Starts listening and resolves once the port is bound. */
export async function createRpcServer(options: RpcServerOptions, deps: RpcServerDeps): Promise<RpcServer> {
  const opts = resolveOptions(options);
  const methods = methodMap(deps.methods);
  const log = deps.logger.child({ module: "rpc" });
  const metrics = createRpcMetrics(deps.metrics);
  const dispatcher = new Dispatcher(methods, { metrics, log, maxBatch: opts.maxBatch });
  const subscriptions = new Subscriptions<Connection>(opts.topics, opts.maxSubscriptionsPerConnection);
  const gateway = new WsGateway({
    dispatcher,
    subscriptions,
    metrics,
    log,
    maxConnections: opts.maxWsConnections,
    maxMessageBytes: opts.maxBodyBytes,
    queueLimit: opts.wsQueueLimit,
  });
  const http = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS },
    createHttpHandler({
      dispatcher,
      health: deps.health,
      ready: deps.ready,
      registry: deps.metrics,
      log,
      maxBodyBytes: opts.maxBodyBytes,
    }),
  );
  let closing: Promise<void> | undefined;
  // While closing, a connection is cut as soon as its last answer has gone out.
  http.on("request", (_req, res) => {
    res.once("finish", () => {
      if (closing !== undefined) setImmediate(() => http.closeIdleConnections());
    });
  });
  http.on("upgrade", (req, socket, head) => {
    if ((req.url ?? "").split("?", 1)[0] === "/ws") gateway.upgrade(req, socket, head);
    else {
      socket.on("error", () => {});
      refuse(socket, 404, "WebSocket connections are served at /ws");
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port, opts.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  log.info({ url }, "rpc listening");

  return {
    url,
    port,
    publish(topic, key, payload) {
      const receivers = subscriptions.matching(topic, key);
      if (receivers.length === 0) return 0;
      const result = toJson(typeof payload === "function" ? payload() : payload);
      let sent = 0;
      for (const sub of receivers) {
        const text = `{"jsonrpc":"2.0","method":"subscription","params":{"subscription":${JSON.stringify(sub.id)},"result":${result}}}`;
        if (gateway.send(sub.owner, text)) sent++;
      }
      return sent;
    },
    subscribed: (topic) => subscriptions.any(topic),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        await gateway.closeAll();
        const cut = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        await stopped;
        clearTimeout(cut);
        log.info({ url }, "rpc closed");
      })();
      return closing;
    },
  };
}

/** The table as a Map (so "constructor" or "__proto__" never resolve), checked once at start. */
function methodMap(table: RpcServerDeps["methods"]): ReadonlyMap<string, Method> {
  const methods = new Map<string, Method>();
  for (const [name, entry] of Object.entries(table)) {
    if (WS_ONLY_METHODS.has(name) || name.startsWith("rpc.")) {
      throw new TypeError(`methods.${name}: the name is reserved by the framework`);
    }
    if (typeof entry?.params !== "function" || typeof entry?.handler !== "function") {
      throw new TypeError(`methods.${name} needs a params function and a handler function`);
    }
    methods.set(name, entry);
  }
  return methods;
}
