// node/vmjson: VM values in the tagged JSON of rpc §3, read and written by the node's API and the
// CLI alike.
export { type VmJson, vmFromJson, vmToJson } from "./vmJson.ts";
