// The p2p layer's options, their defaults, the fixed limits, and the checks that refuse a bad
// value at start-up (before any socket is opened).

export interface P2POptions {
  /** 32-byte ed25519 seed: the node's network identity, separate from its validator key. */
  nodeKey: Uint8Array;
  /** Listen address, e.g. "127.0.0.1". */
  host: string;
  /** 0 = a free port. */
  port: number;
  /**
   * Multiaddrs with peer id, e.g. "/ip4/127.0.0.1/tcp/9001/p2p/12D3Koo…". Dialled at start and
   * redialled while disconnected. An entry naming this node itself is skipped.
   */
  bootstrap: readonly string[];
  /** Gossip topics and the largest message each accepts. */
  topics: Readonly<Record<string, { maxBytes: number }>>;
  /** Request/response protocols (ids like "/gram/sync/1") and their size caps. */
  protocols: Readonly<Record<string, { maxRequestBytes: number; maxResponseBytes: number }>>;
  /** Score below which a peer is disconnected and refused for `banMs` (default -100). */
  banScore?: number;
  /** How long a banned peer is refused (default 60 s). */
  banMs?: number;
}

export type ResolvedOptions = Required<P2POptions>;

const DEFAULT_BAN_SCORE = -100;
const DEFAULT_BAN_MS = 60_000;

/** Penalties for what the p2p layer itself sees; handlers add theirs through penalize(). */
export const PENALTY = {
  /** A gossip handler judged the message invalid. */
  rejectedMessage: 10,
  /** Gossip, a request or a response over its cap. */
  tooLarge: 20,
  /** A request its handler refused as malformed (P2P_BAD_REQUEST), or a garbled frame. */
  badRequest: 20,
  /** A response frame that does not parse. */
  badResponse: 20,
} as const;

/** Scores recover toward 0 with this half-life, so rare honest mistakes never add up to a ban. */
export const SCORE_HALF_LIFE_MS = 10 * 60_000;

/** Redial of disconnected bootstrap peers: first retry after the base, doubling up to the cap. */
export const REDIAL_TICK_MS = 200;
export const REDIAL_BASE_MS = 500;
export const REDIAL_MAX_MS = 1000;
/** One redial attempt may take this long (loopback answers in ms; a dead host must not stall). */
export const DIAL_TIMEOUT_MS = 2000;

/** Serving one request: reading it, running the handler, writing the answer. */
export const SERVE_READ_TIMEOUT_MS = 10_000;
export const SERVE_HANDLER_TIMEOUT_MS = 30_000;
export const SERVE_WRITE_TIMEOUT_MS = 30_000;
/** Once an exchange is done, how long the other side may take to close its end before the stream is cut. */
export const STREAM_CLOSE_TIMEOUT_MS = 1000;
/**
 * Read-buffer room beyond a frame's cap: one muxer frame (yamux sends at most 64 KiB), so an
 * oversized frame is refused by its length prefix, not by a buffer overflow that would reset the
 * stream before we can answer.
 */
export const READ_BUFFER_SLACK_BYTES = 64 * 1024 + 16;

/** An error answer's message is cut to this many bytes. */
export const MAX_ERROR_BYTES = 1024;
/** Room for gossipsub's envelope (signature, key, ids, piggybacked control) around the data. */
export const GOSSIP_ENVELOPE_BYTES = 256 * 1024;

/** Caps are bounded so one frame always fits a JS array buffer and a varint of 5 bytes. */
const MAX_CAP_BYTES = 2 ** 31 - 1;

export function resolveOptions(options: P2POptions): ResolvedOptions {
  if (!(options.nodeKey instanceof Uint8Array) || options.nodeKey.length !== 32) {
    throw new TypeError(`options.nodeKey must be a 32-byte Uint8Array, got ${describe(options.nodeKey)}`);
  }
  if (typeof options.host !== "string" || options.host === "") {
    throw new TypeError(`options.host must be a non-empty string, got ${describe(options.host)}`);
  }
  assertInt("port", options.port, 0, 65535);
  if (!Array.isArray(options.bootstrap) || options.bootstrap.some((a) => typeof a !== "string")) {
    throw new TypeError("options.bootstrap must be an array of multiaddr strings");
  }
  for (const [topic, spec] of Object.entries(options.topics)) {
    if (topic === "") throw new RangeError("options.topics: a topic name must not be empty");
    assertInt(`topics["${topic}"].maxBytes`, spec.maxBytes, 1, MAX_CAP_BYTES);
  }
  for (const [protocol, spec] of Object.entries(options.protocols)) {
    if (!protocol.startsWith("/")) {
      throw new RangeError(`options.protocols: a protocol id starts with "/", got "${protocol}"`);
    }
    assertInt(`protocols["${protocol}"].maxRequestBytes`, spec.maxRequestBytes, 1, MAX_CAP_BYTES);
    assertInt(`protocols["${protocol}"].maxResponseBytes`, spec.maxResponseBytes, 1, MAX_CAP_BYTES);
  }
  const resolved: ResolvedOptions = {
    ...options,
    banScore: options.banScore ?? DEFAULT_BAN_SCORE,
    banMs: options.banMs ?? DEFAULT_BAN_MS,
  };
  if (!Number.isFinite(resolved.banScore) || resolved.banScore >= 0) {
    throw new RangeError(`options.banScore must be a negative number, got ${describe(resolved.banScore)}`);
  }
  assertInt("banMs", resolved.banMs, 0, Number.MAX_SAFE_INTEGER);
  return resolved;
}

function assertInt(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`options.${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
