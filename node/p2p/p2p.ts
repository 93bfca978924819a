// startP2P: one libp2p node (tcp, noise, yamux, identify, ping, gossipsub) wired to the small
// P2P interface: gossip handlers as topic validators, capped request/response protocols, our
// own peer scores with bans enforced by the connection gater, and bootstrap redial.
import { setMaxListeners } from "node:events";
import { type GossipSub, gossipsub, StrictNoSign } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { PeerId } from "@libp2p/interface";
import { peerIdFromPrivateKey, peerIdFromString } from "@libp2p/peer-id";
import { ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import { type BootstrapTarget, startRedial } from "./bootstrap.ts";
import { deadline } from "./deadline.ts";
import { gatedNoise } from "./encrypter.ts";
import { messageId, PublishNonces } from "./envelope.ts";
import { P2PError } from "./errors.ts";
import { batchedCreditYamux } from "./framing.ts";
import { banGater } from "./gater.ts";
import { topicValidator } from "./gossip.ts";
import { GOSSIP_CHECK_MS, lostToGossip } from "./gossipRepair.ts";
import { privateKeyOf } from "./identity.ts";
import type { P2P, P2PDeps, RequestHandler } from "./interface.ts";
import { allowList, listenAddress, parseBootstrap } from "./multiaddrs.ts";
import {
  DIAL_TIMEOUT_MS,
  GOSSIP_ENVELOPE_BYTES,
  type P2POptions,
  resolveOptions,
  SCORE_HALF_LIFE_MS,
} from "./options.ts";
import { allowOutgoingFrames } from "./outgoingFrames.ts";
import { type HeldRelays, holdRelays } from "./relayHold.ts";
import { sendRequest } from "./request.ts";
import { PeerScores } from "./scores.ts";
import { serveProtocol } from "./serve.ts";

/** How many frames of the largest gossip message may wait for one slow peer before it is cut. */
const OUTBOUND_FRAMES_PER_PEER = 8;

export async function startP2P(options: P2POptions, deps: P2PDeps): Promise<P2P> {
  const opts = resolveOptions(options);
  const log = deps.logger.child({ module: "p2p" });
  const privateKey = privateKeyOf(opts.nodeKey);
  const selfId = peerIdFromPrivateKey(privateKey).toString();
  const targets: BootstrapTarget[] = parseBootstrap(opts.bootstrap).filter((t) => t.peer !== selfId);
  const scores = new PeerScores({
    banScore: opts.banScore,
    banMs: opts.banMs,
    halfLifeMs: SCORE_HALF_LIFE_MS,
    now: Date.now,
  });
  const closer = new AbortController();
  setMaxListeners(Number.POSITIVE_INFINITY, closer.signal);
  const closed = closer.signal;

  // gossipsub reads whole RPC frames: the largest topic plus its envelope must fit in one.
  const maxTopicBytes = Math.max(1, ...Object.values(opts.topics).map((t) => t.maxBytes));
  const maxFrameBytes = maxTopicBytes + GOSSIP_ENVELOPE_BYTES;
  allowOutgoingFrames(maxFrameBytes);

  const node: Libp2p<{ pubsub: GossipSub }> = await createLibp2p({
    privateKey,
    addresses: { listen: [listenAddress(opts.host, opts.port)] },
    transports: [tcp()],
    connectionEncrypters: [gatedNoise()],
    streamMuxers: [batchedCreditYamux()],
    connectionGater: banGater((peer) => scores.isBanned(peer)),
    connectionManager: {
      // Validators on one host (testnets, loopback) open many connections from one address;
      // allow-listed addresses skip the per-host rate limit, the pending-connection cap and
      // pruning. Bans still apply through the gater.
      allow: allowList(opts.host, targets),
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // Payloads carry their own signatures; ids are content hashes (envelope.ts).
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: (msg) => messageId(msg.data),
        // Own messages never come back to our handlers.
        emitSelf: false,
        // Accepted messages are relayed by holdRelays, after a short hold (relayHold.ts).
        asyncValidation: true,
        // A vote goes straight to every subscribed peer, not only the mesh: lowest latency.
        floodPublish: true,
        // Publishing with no peers yet is normal at start-up, not an error.
        allowPublishToZeroTopicPeers: true,
        // Only our topics; nothing else is relayed or tracked.
        allowedTopics: Object.keys(opts.topics),
        fallbackToFloodsub: false,
        maxInboundDataLength: maxFrameBytes,
        maxOutboundBufferSize: maxFrameBytes * OUTBOUND_FRAMES_PER_PEER,
        scoreParams: {
          // Many validators share 127.0.0.1 in a testnet; gossipsub's IP colocation penalty
          // would graylist them. Misbehaviour is scored by PeerScores instead.
          IPColocationFactorWeight: 0,
        },
      }),
    },
  });

  const pubsub = node.services.pubsub;
  let relays: HeldRelays;
  try {
    relays = holdRelays(pubsub, closed);
  } catch (e) {
    await node.stop();
    throw e;
  }
  // Dispatched only for messages the topic's handler accepted (gossip.ts).
  pubsub.addEventListener("gossipsub:message", (evt) => {
    relays.hold(evt.detail.msgId, evt.detail.propagationSource.toString());
  });
  const peerListeners: Array<(peer: string, connected: boolean) => void> = [];
  const requestHandlers = new Set<string>();

  const hangUp = (peer: string) => {
    let peerId: PeerId;
    try {
      peerId = peerIdFromString(peer);
    } catch {
      return;
    }
    node.hangUp(peerId).catch((err: unknown) => log.warn({ peer, err }, "hang-up failed"));
  };

  const penalize = (peer: string, points: number, reason: string) => {
    if (peer === selfId || closed.aborted) return;
    const banned = scores.penalize(peer, points);
    if (banned) {
      log.warn({ peer, reason, banMs: opts.banMs }, "peer banned");
      hangUp(peer);
    } else log.info({ peer, reason, points, score: scores.score(peer) }, "peer penalized");
  };

  const emitPeer = (peer: string, connected: boolean) => {
    // close() hangs up on everyone; the node is told nothing more once it asked to close.
    if (closed.aborted) return;
    for (const listener of peerListeners) {
      try {
        listener(peer, connected);
      } catch (err) {
        log.error({ peer, connected, err }, "peer listener threw");
      }
    }
  };
  node.addEventListener("peer:connect", (evt) => {
    const peer = evt.detail.toString();
    log.debug({ peer }, "peer connected");
    emitPeer(peer, true);
  });
  node.addEventListener("peer:disconnect", (evt) => {
    const peer = evt.detail.toString();
    log.debug({ peer }, "peer disconnected");
    emitPeer(peer, false);
  });

  // Parsed once: the redial loop asks about every target at each tick.
  const targetIds = new Map(targets.map((t) => [t.peer, peerIdFromString(t.peer)]));
  const redial = startRedial({
    targets,
    isConnected: (peer) => {
      const id = targetIds.get(peer) ?? peerIdFromString(peer);
      return node.getConnections(id).length > 0;
    },
    isBanned: (peer) => scores.isBanned(peer),
    dial: async (target) => {
      await node.dial(multiaddr(target.address), { signal: deadline(DIAL_TIMEOUT_MS, closed) });
    },
    log,
  });

  // gossipRepair.ts: a peer the router has only a closed stream to is hung up on. The stream map
  // is the router's own; without it (another gossipsub) nothing is checked.
  const router = pubsub as unknown as {
    streamsOutbound?: ReadonlyMap<string, { rawStream?: { status?: string } }>;
  };
  const gossipCheck = setInterval(() => {
    const streams = router.streamsOutbound;
    if (closed.aborted || !(streams instanceof Map)) return;
    const connections = node
      .getConnections()
      .filter((c) => c.status === "open")
      .map((c) => ({ peer: c.remotePeer.toString(), openedAt: c.timeline.open }));
    const dead = (peer: string) => {
      const status = streams.get(peer)?.rawStream?.status;
      return status !== undefined && status !== "open";
    };
    for (const peer of lostToGossip(connections, dead, Date.now())) {
      log.warn({ peer }, "gossip has only a closed stream to a connected peer; hanging up so it reconnects");
      hangUp(peer);
    }
  }, GOSSIP_CHECK_MS);

  const requestContext = {
    openStream: (peerId: PeerId, proto: string, signal: AbortSignal) =>
      node.dialProtocol(peerId, proto, { signal }),
    penalize,
    closed,
    log,
  };

  const addresses = node.getMultiaddrs().map((ma) => ma.toString());
  log.info({ peerId: selfId, addresses, bootstrap: targets.length }, "p2p listening");

  let closing: Promise<void> | undefined;
  const nonces = new PublishNonces();

  return {
    peerId: selfId,
    addresses,

    subscribe(topic, handler) {
      const spec = own(opts.topics, topic);
      if (spec === undefined) {
        throw new RangeError(`subscribe: unknown topic "${topic}" (not in options.topics)`);
      }
      if (typeof handler !== "function") throw new TypeError("subscribe: handler must be a function");
      if (pubsub.topicValidators.has(topic))
        throw new Error(`subscribe: topic "${topic}" already has a handler`);
      pubsub.topicValidators.set(topic, topicValidator({ log, penalize }, topic, spec.maxBytes, handler));
      pubsub.subscribe(topic);
    },

    async publish(topic, data) {
      if (closed.aborted) throw new P2PError("P2P_CLOSED", "p2p is closed");
      const spec = own(opts.topics, topic);
      if (spec === undefined) {
        throw new RangeError(`publish: unknown topic "${topic}" (not in options.topics)`);
      }
      if (!(data instanceof Uint8Array)) throw new TypeError("publish: data must be a Uint8Array");
      if (data.length > spec.maxBytes) {
        throw new P2PError("P2P_TOO_LARGE", `gossip on ${topic}: ${data.length} bytes over ${spec.maxBytes}`);
      }
      const result = await pubsub.publish(topic, nonces.wrap(data));
      return result.recipients.length;
    },

    handle(protocol, handler: RequestHandler) {
      const caps = own(opts.protocols, protocol);
      if (caps === undefined) {
        throw new RangeError(`handle: unknown protocol "${protocol}" (not in options.protocols)`);
      }
      if (typeof handler !== "function") throw new TypeError("handle: handler must be a function");
      if (requestHandlers.has(protocol))
        throw new Error(`handle: protocol "${protocol}" already has a handler`);
      requestHandlers.add(protocol);
      // The registrar stores the handler at once; only the peer store update is asynchronous.
      node
        .handle(protocol, serveProtocol({ penalize, closed, log }, protocol, caps, handler))
        .catch((err: unknown) => log.error({ protocol, err }, "registering a protocol failed"));
    },

    request(peer, protocol, data, timeoutMs) {
      const caps = own(opts.protocols, protocol);
      if (caps === undefined) {
        return Promise.reject(new RangeError(`request: unknown protocol "${protocol}"`));
      }
      if (!(data instanceof Uint8Array)) {
        return Promise.reject(new TypeError("request: data must be a Uint8Array"));
      }
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
        return Promise.reject(new RangeError(`request: timeoutMs must be > 0, got ${timeoutMs}`));
      }
      return sendRequest(requestContext, peer, protocol, caps, data, timeoutMs);
    },

    peers() {
      return node
        .getPeers()
        .map((p) => p.toString())
        .sort();
    },

    penalize(peer, points, reason) {
      if (typeof peer !== "string" || peer === "") throw new TypeError("penalize: peer must be a peer id");
      if (!Number.isFinite(points) || points < 0) {
        throw new RangeError(`penalize: points must be a finite number >= 0, got ${points}`);
      }
      penalize(peer, points, reason);
    },

    score(peer) {
      return scores.score(peer);
    },

    onPeer(listener) {
      peerListeners.push(listener);
    },

    close() {
      closing ??= (async () => {
        closer.abort(new P2PError("P2P_CLOSED", "p2p is closed"));
        redial.stop();
        clearInterval(gossipCheck);
        await node.stop();
        log.info({ peerId: selfId }, "p2p closed");
      })();
      return closing;
    },
  };
}

/** A topic's or protocol's settings, only for names the options list (not "__proto__" and the like). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
