// Gossipsub can keep a peer's outbound stream from a connection that is gone: when the peer
// restarts and redials before the old stream is dropped (seen under load), the router finds a
// stream still listed for the peer and opens none on the new connection. The old stream carries
// nothing, so the peer never hears this node's subscriptions and never sends it a message, for as
// long as the new connection lives. Such a peer is hung up on: the router forgets it with its
// streams, and the redial (its or ours) gives both sides fresh ones.

/** How often connections are checked against the router's streams. */
export const GOSSIP_CHECK_MS = 1_000;

/** How long a connection may be open before the router must have a live stream to its peer. */
export const GOSSIP_GRACE_MS = 3_000;

export interface OpenConnection {
  peer: string;
  /** When the connection opened, in ms of the same clock as `now`. */
  openedAt: number;
}

/**
 * The peers to hang up on: connected for at least `graceMs` on every connection, with a stream
 * the router sends on that is no longer open. Sorted, each once.
 */
export function lostToGossip(
  connections: readonly OpenConnection[],
  deadStream: (peer: string) => boolean,
  now: number,
  graceMs = GOSSIP_GRACE_MS,
): string[] {
  const newest = new Map<string, number>();
  for (const c of connections) newest.set(c.peer, Math.max(newest.get(c.peer) ?? c.openedAt, c.openedAt));
  const lost: string[] = [];
  for (const [peer, openedAt] of newest) if (now - openedAt >= graceMs && deadStream(peer)) lost.push(peer);
  return lost.sort();
}
