// The shapes a method author and the node's composition root see: methods, their context,
// topics, and the running server.
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** What a handler learns about the call besides its params. */
export interface RpcContext {
  transport: "http" | "ws";
  /** The peer's address as the socket saw it (no proxy headers are trusted). */
  remoteAddress: string | undefined;
  /** The rpc module's child logger. */
  logger: Logger;
}

/**
 * One method. `params` checks the raw params (absent → undefined) and throws INVALID_PARAMS
 * (see params.ts); `handler` does the work and may throw an RpcError with an application code.
 * The result is sent as JSON with bigint as a decimal string and Uint8Array as hex.
 */
export interface Method<P = unknown, R = unknown> {
  params(raw: unknown): P;
  handler(params: P, ctx: RpcContext): Promise<R> | R;
}

export type MethodTable = Readonly<Record<string, Method>>;

/** Infers P from `params` so the handler's argument is typed: `method({params, handler})`. */
export function method<P, R>(m: Method<P, R>): Method<P, R> {
  return m;
}

/**
 * A subscription topic. `keyed` topics take a key (an account, a message hash); a subscriber
 * that gives none gets every key. `normalizeKey` maps a key to one canonical form (subscribe
 * and publish both pass through it) and throws to refuse it.
 */
export interface TopicSpec {
  keyed: boolean;
  normalizeKey?: (key: string) => string;
}

export interface RpcServerDeps {
  methods: MethodTable;
  logger: Logger;
  metrics: Registry;
  /** Merged into GET /health; a throw (or rejection) answers 503. */
  health: () => object | Promise<object>;
  /** GET /ready: synced and voting (200) or not yet (503); without it, ready while alive. */
  ready?: () => { ready: boolean } & object;
}

export interface RpcServer {
  /** http://host:port, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /**
   * Sends `payload` to every subscription of `topic` whose key matches (keyed topics need a
   * key; unkeyed ones take none). Returns how many subscriptions it was sent to. A function is
   * called for the payload only when someone receives it: a round publishes an event per
   * transaction and message, mostly to nobody.
   */
  publish(topic: string, key: string | undefined, payload: unknown | (() => unknown)): number;
  /** True when some client is subscribed to `topic`: a publisher may skip making its keys. */
  subscribed(topic: string): boolean;
  /** Stops accepting, closes WebSocket clients (1001) and open sockets; resolves when all are gone. */
  close(): Promise<void>;
}
