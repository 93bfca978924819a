// node/p2p: the node's peer-to-peer layer on libp2p (gossip topics, request/response protocols,
// peer scores and bans). The only module that imports libp2p; everything else sees this.
import type { P2P, P2PDeps } from "./interface.ts";
import type { P2POptions } from "./options.ts";

export { P2PError, type P2PErrorCode } from "./errors.ts";
export { peerIdOf } from "./identity.ts";
export type { P2P, P2PDeps, Verdict } from "./interface.ts";
export type { P2POptions } from "./options.ts";

/**
 * Starts the node's libp2p. The stack (about 500 modules) is loaded here, on first use: what
 * only needs a peer id (`gram testnet up` writing its validators' configs) does without it.
 */
export async function startP2P(options: P2POptions, deps: P2PDeps): Promise<P2P> {
  const { startP2P: start } = await import("./p2p.ts");
  return start(options, deps);
}
