// Relays a gossip message to the mesh a moment after it is accepted, not at once. Validators
// publish to every subscribed peer (floodPublish), so among validators that all talk to each
// other every relay is a copy the peer already has. gossipsub skips a peer that sent us the
// message itself or said IDONTWANT (gossipsub 1.2, sent on arrival for messages of 512 bytes or
// more), but only if that word has arrived when it relays; relaying at once, it almost never had.
// Measured on net.transfers_4v (2 cores), per node: 1.6–2.1 copies of every proposal and
// 0.5–0.8 of every message batch came back as duplicates, as many bytes again as the originals,
// each one encrypted, written, read, decrypted and hashed.
//
// The hold ends with a timer and then one more turn of the event loop, so that the socket reads
// a busy node has pending (the peers' copies and IDONTWANTs) are handled before it relays. A
// peer that only hears a message through us (not connected to its author) gets it that much
// later.
import { TopicValidatorResult } from "@libp2p/gossipsub";

/** How long an accepted message waits before it is relayed. */
export const RELAY_HOLD_MS = 15;

export interface HeldRelays {
  /** Report `msgId` (from `propagationSource`) as valid once the hold is over, which relays it. */
  hold(msgId: string, propagationSource: string): void;
}

interface Router {
  reportMessageValidationResult(msgId: string, source: string, acceptance: TopicValidatorResult): void;
}

/**
 * `pubsub` is gossipsub's router: the method that ends a hold is on the class, not in the
 * package's interface, so its presence is checked here, at start, rather than found missing when
 * the first message never moves on.
 */
export function holdRelays(pubsub: object, closed: AbortSignal, holdMs = RELAY_HOLD_MS): HeldRelays {
  const router = pubsub as Partial<Router>;
  if (typeof router.reportMessageValidationResult !== "function") {
    throw new Error("gossipsub has no reportMessageValidationResult: accepted messages could not be relayed");
  }
  const report = router.reportMessageValidationResult.bind(pubsub);
  const relay = (msgId: string, source: string) => {
    if (!closed.aborted) report(msgId, source, TopicValidatorResult.Accept);
  };
  return {
    hold(msgId, source) {
      if (closed.aborted) return;
      setTimeout(() => setImmediate(relay, msgId, source), holdMs).unref();
    },
  };
}
