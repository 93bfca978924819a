// The p2p layer as the rest of the node sees it: gossip topics, request/response protocols,
// peers and their scores. Nothing here names libp2p, so the node and its tests never do.
import type { Logger } from "pino";

/**
 * A gossip handler's judgement of a message. reject: invalid, the sender loses score and the
 * message is not forwarded; ignore: not forwarded, no penalty (e.g. stale); accept: forwarded.
 */
export type Verdict = "accept" | "reject" | "ignore";

/** `from` is the peer that passed the message to us, not necessarily its author: gossip is unsigned. */
export type GossipHandler = (data: Uint8Array, from: string) => Verdict | Promise<Verdict>;

export type RequestHandler = (data: Uint8Array, from: string) => Promise<Uint8Array>;

export interface P2PDeps {
  logger: Logger;
}

export interface P2P {
  /** This node's peer id ("12D3Koo…"), derived from its node key. */
  readonly peerId: string;
  /** Full listen multiaddrs including /p2p/<peerId>. */
  readonly addresses: readonly string[];
  /**
   * Handler for a topic's messages from others (never own ones); one handler per topic. Its
   * verdict goes back to gossipsub. A handler that throws counts as "ignore" and is logged.
   * Messages over the topic's maxBytes are rejected before the handler sees them.
   */
  subscribe(topic: string, handler: GossipHandler): void;
  /**
   * Sends to the topic's peers; resolves to how many peers it went to (0 when none: not an
   * error). Identical bytes published twice are sent twice (each publish has its own nonce).
   */
  publish(topic: string, data: Uint8Array): Promise<number>;
  /**
   * Serves a request protocol. The handler's bytes are the response. A P2PError with code
   * P2P_BAD_REQUEST gives the requester an error answer and penalizes it; other throws give an
   * error answer without penalty. Oversized requests are refused unread and penalized.
   */
  handle(protocol: string, handler: RequestHandler): void;
  /**
   * One request to one peer, bounded by timeoutMs. Oversized responses are refused
   * (P2P_TOO_LARGE) and penalize the peer; the remote's error answer becomes P2P_REMOTE.
   */
  request(peer: string, protocol: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Peer ids currently connected, sorted. */
  peers(): string[];
  /**
   * Lowers a peer's score (e.g. a message that decoded but failed a check higher up); past
   * banScore the peer is disconnected and refused for banMs.
   */
  penalize(peer: string, points: number, reason: string): void;
  /** A peer's current score: 0 when unknown, negative after penalties (for metrics and tests). */
  score(peer: string): number;
  /** Called when a peer connects / disconnects (for metrics and catch-up). */
  onPeer(listener: (peer: string, connected: boolean) => void): void;
  close(): Promise<void>;
}
