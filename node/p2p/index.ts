// node/p2p: the node's peer-to-peer layer on libp2p (gossip topics, request/response protocols,
// peer scores and bans). The only module that imports libp2p; everything else sees this.
export { P2PError, type P2PErrorCode } from "./errors.ts";
export { peerIdOf } from "./identity.ts";
export type { P2P, P2PDeps, Verdict } from "./interface.ts";
export type { P2POptions } from "./options.ts";
export { startP2P } from "./p2p.ts";
