// node/api: the node's JSON-RPC methods and the JSON views of chain objects (specs/rpc.md).
export { API_ERROR, type ApiDeps, apiMethods, statusView } from "./methods.ts";
export { accountView, friendly, headerView, rawAddress, txView } from "./views.ts";
