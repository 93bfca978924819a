// node/rpc: the node's JSON-RPC 2.0 server over HTTP and WebSocket. The chain's methods are a
// table of {params, handler} written against this API; the framework owns the transport,
// the envelope, errors, limits, subscriptions, /health and /metrics.
//
// The wire, in short:
// - POST / with Content-Type application/json: a request or a batch (at most maxBatch). An
//   answer is 200; only notifications came: 204 and no body. Transport refusals carry a
//   JSON-RPC error body too: 413 body over maxBodyBytes (the connection is then closed),
//   405 other HTTP method, 415 other content type, 404 other path, 426 /ws without upgrade.
// - Errors: -32700 parse (or not UTF-8), -32600 invalid request (also JSON nested deeper than
//   MAX_JSON_DEPTH, unknown members), -32601 unknown method, -32602 bad params naming the field
//   (data.field), -32603 internal (logged with its stack, never sent), -32005 a per-connection
//   limit; a handler's RpcError with a code in -32099..-32000 is sent as it is.
// - Results: bigint is sent as a decimal string, Uint8Array as lower-case hex, undefined as
//   null; params take the same forms (p.bigintString, p.hex).
// - GET /health: {"status":"ok", ...health()}, 503 when health() throws. GET /ready: 200 or 503
//   with ready() as the body (synced and voting). GET /metrics.
// - /ws: the same methods plus subscribe {topic, key?} → id and unsubscribe {subscription} →
//   true (false when there was none); events arrive as {"method":"subscription","params":
//   {"subscription": id, "result": payload}}.
export { invalidParams, isApplicationCode, RpcError, RpcErrorCode } from "./errors.ts";
export {
  type Method,
  type MethodTable,
  method,
  type RpcContext,
  type RpcServer,
  type RpcServerDeps,
  type TopicSpec,
} from "./interface.ts";
export { MAX_JSON_DEPTH } from "./json.ts";
export type { RpcServerOptions } from "./options.ts";
export type { Infer, Parser } from "./params.ts";
export * as p from "./params.ts";
export { createRpcServer } from "./server.ts";
