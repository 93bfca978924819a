// node/vmhost: what the node hands the VM (vm §7) — node/crypto's SHA-256 and ed25519 rule, and
// node/codec's hash of VM values. The only place where node/ meets vm/'s Host interface.

export { deferringHost } from "./deferredChecks.ts";
export {
  type CachingHost,
  createCachingHost,
  type SignatureCheck,
  type TakenAcceptance,
} from "./verifiedCache.ts";
export { vmHost } from "./vmHost.ts";
