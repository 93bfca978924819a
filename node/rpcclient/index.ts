// node/rpcclient: the client side of the node's JSON-RPC API, for the CLI and tools. It speaks
// only the wire protocol: nothing of the server, no logger, no metrics.
export { RpcClient, type RpcClientOptions } from "./client.ts";
export { isUnreachable, RpcClientError, type RpcClientErrorCode } from "./errors.ts";
export type { SubscribeOptions, Subscription } from "./subscription.ts";
