// Runs a topic's handler as gossipsub's topic validator, so its verdict decides forwarding and
// the sender's score before the message goes anywhere. Oversized messages and throwing handlers
// are dealt with here; the handler only ever sees well-sized messages from others.
import { type Message, type TopicValidatorFn, TopicValidatorResult } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import type { Logger } from "pino";
import { payloadOf } from "./envelope.ts";
import type { GossipHandler, Verdict } from "./interface.ts";
import { PENALTY } from "./options.ts";
import { plainBytes } from "./wire.ts";

export interface GossipContext {
  log: Logger;
  penalize(peer: string, points: number, reason: string): void;
}

const RESULT: ReadonlyMap<Verdict, TopicValidatorResult> = new Map([
  ["accept", TopicValidatorResult.Accept],
  ["reject", TopicValidatorResult.Reject],
  ["ignore", TopicValidatorResult.Ignore],
]);

/**
 * The validator for one topic. The handler hears of, and penalties go to, the peer that sent us
 * the message (gossipsub's propagation source): unsigned gossip names no author, and that peer
 * is the one we are connected to, which forwarded what we refuse.
 */
export function topicValidator(
  ctx: GossipContext,
  topic: string,
  maxBytes: number,
  handler: GossipHandler,
): TopicValidatorFn {
  return async (source: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    const via = source.toString();
    // StrictNoSign already refuses signed messages; this narrows the type.
    const payload = msg.type === "unsigned" ? payloadOf(msg.data) : undefined;
    if (payload === undefined) {
      ctx.penalize(via, PENALTY.rejectedMessage, `gossip on ${topic} without its envelope`);
      return TopicValidatorResult.Reject;
    }
    if (payload.length > maxBytes) {
      ctx.penalize(via, PENALTY.tooLarge, `gossip on ${topic}: ${payload.length} bytes over ${maxBytes}`);
      return TopicValidatorResult.Reject;
    }
    let verdict: Verdict;
    try {
      verdict = await handler(plainBytes(payload), via);
    } catch (err) {
      ctx.log.warn({ topic, peer: via, err }, "gossip handler threw; message ignored");
      return TopicValidatorResult.Ignore;
    }
    const result = RESULT.get(verdict);
    if (result === undefined) {
      ctx.log.error(
        { topic, peer: via, verdict: String(verdict) },
        "gossip handler gave no verdict; ignored",
      );
      return TopicValidatorResult.Ignore;
    }
    if (result === TopicValidatorResult.Reject) {
      ctx.penalize(via, PENALTY.rejectedMessage, `message on ${topic} rejected`);
    }
    return result;
  };
}
