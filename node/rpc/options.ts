// The server's options, their defaults, and the checks that refuse a bad value at start-up.
import type { TopicSpec } from "./interface.ts";

export interface RpcServerOptions {
  /** Default "127.0.0.1": a node answers only locally unless told otherwise. */
  host?: string;
  /** 0 picks a free port (read it back from `server.port`). */
  port?: number;
  /** Largest HTTP body and WebSocket message, default 1 MiB. */
  maxBodyBytes?: number;
  /** Most requests in one batch, default 100. */
  maxBatch?: number;
  /** Most WebSocket connections at once, default 1000; past it the upgrade gets 503. */
  maxWsConnections?: number;
  /** Most subscriptions one WebSocket connection may hold, default 100. */
  maxSubscriptionsPerConnection?: number;
  /**
   * Bytes a WebSocket connection may have waiting to be sent, default 8 MiB. A connection
   * over it when the next message comes is closed with 1008 instead of queueing more.
   */
  wsQueueLimit?: number;
  /** The topics `subscribe` accepts, default none. */
  topics?: Readonly<Record<string, TopicSpec>>;
}

export type ResolvedOptions = Required<RpcServerOptions>;

const MiB = 1024 * 1024;

export function resolveOptions(options: RpcServerOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? MiB,
    maxBatch: options.maxBatch ?? 100,
    maxWsConnections: options.maxWsConnections ?? 1000,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? 100,
    wsQueueLimit: options.wsQueueLimit ?? 8 * MiB,
    topics: options.topics ?? {},
  };
  if (typeof resolved.host !== "string" || resolved.host === "") {
    throw new TypeError(`options.host must be a non-empty string, got ${String(resolved.host)}`);
  }
  assertInt("port", resolved.port, 0, 65535);
  assertInt("maxBodyBytes", resolved.maxBodyBytes, 1, 2 ** 31 - 1);
  assertInt("maxBatch", resolved.maxBatch, 1, 1_000_000);
  assertInt("maxWsConnections", resolved.maxWsConnections, 0, 1_000_000);
  assertInt("maxSubscriptionsPerConnection", resolved.maxSubscriptionsPerConnection, 0, 1_000_000);
  assertInt("wsQueueLimit", resolved.wsQueueLimit, 1, Number.MAX_SAFE_INTEGER);
  for (const [name, spec] of Object.entries(resolved.topics)) {
    if (typeof spec?.keyed !== "boolean")
      throw new TypeError(`options.topics.${name}.keyed must be a boolean`);
  }
  return resolved;
}

function assertInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`options.${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}
