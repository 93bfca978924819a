// Runs a topic's handler as gossipsub's topic validator, so its verdict decides forwarding and
// the sender's score before the message goes anywhere. Oversized messages and throwing handlers
// are dealt with here; the handler only ever sees well-sized messages from others.
import { type Message, type TopicValidatorFn, TopicValidatorResult } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import type { Logger } from "pino";
import type { GossipHandler, Verdict } from "./interface.ts";
import { PENALTY } from "./options.ts";
import { plainBytes } from "./wire.ts";

export interface GossipContext {
  selfId: string;
  log: Logger;
  penalize(peer: string, points: number, reason: string): void;
}

const RESULT: ReadonlyMap<Verdict, TopicValidatorResult> = new Map([
  ["accept", TopicValidatorResult.Accept],
  ["reject", TopicValidatorResult.Reject],
  ["ignore", TopicValidatorResult.Ignore],
]);

/**
 * The validator for one topic. Penalties go to the peer that sent us the message (gossipsub's
 * propagation source): it is the one we are connected to and it forwarded what we refuse.
 */
export function topicValidator(
  ctx: GossipContext,
  topic: string,
  maxBytes: number,
  handler: GossipHandler,
): TopicValidatorFn {
  return async (source: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    const via = source.toString();
    // StrictSign already refuses unsigned messages; this narrows the type.
    if (msg.type !== "signed") return TopicValidatorResult.Reject;
    const from = msg.from.toString();
    if (from === ctx.selfId) return TopicValidatorResult.Ignore;
    if (msg.data.length > maxBytes) {
      ctx.penalize(via, PENALTY.tooLarge, `gossip on ${topic}: ${msg.data.length} bytes over ${maxBytes}`);
      return TopicValidatorResult.Reject;
    }
    let verdict: Verdict;
    try {
      verdict = await handler(plainBytes(msg.data), from);
    } catch (err) {
      ctx.log.warn({ topic, peer: from, err }, "gossip handler threw; message ignored");
      return TopicValidatorResult.Ignore;
    }
    const result = RESULT.get(verdict);
    if (result === undefined) {
      ctx.log.error(
        { topic, peer: from, verdict: String(verdict) },
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
