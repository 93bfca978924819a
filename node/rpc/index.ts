// node/rpc: the node's JSON-RPC 2.0 server over HTTP and WebSocket. The chain's methods are a
// table of {params, handler} written against this API; the framework owns the transport,
// the envelope, errors, limits, subscriptions, /health and /metrics.
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
