// RpcClient: what the CLI and tools use to talk to a node. Calls go over HTTP (fetch), events
// over WebSocket; every failure is an RpcClientError with a code a program can switch on.
import { RpcClientError, unreachable } from "./errors.ts";
import { openSubscription, type SubscribeOptions, type Subscription } from "./subscription.ts";
import { readResponse, requestText } from "./wire.ts";

export interface RpcClientOptions {
  /** How long one call (or one subscription's set-up) may take, default 10 s. */
  timeoutMs?: number;
}

export class RpcClient {
  readonly url: string;
  readonly #wsUrl: string;
  readonly #timeoutMs: number;
  #nextId = 1;

  /** `url` is the node's RPC address, e.g. http://127.0.0.1:8545. */
  constructor(url: string, options: RpcClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`RpcClient url must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`RpcClient url must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    this.url = url.replace(/\/+$/, "");
    const ws = new URL(parsed);
    ws.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
    ws.pathname = ws.pathname.replace(/\/*$/, "/ws");
    this.#wsUrl = ws.toString();
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Calls `method` and resolves with its result as sent (bigint fields arrive as decimal
   * strings). `T` is the caller's word for the result's shape; it is not checked.
   */
  async call<T = unknown>(method: string, params?: unknown): Promise<T> {
    const id = this.#nextId++;
    const body = requestText(method, params, id);
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${this.url}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if ((err as Error)?.name === "TimeoutError") {
        throw new RpcClientError(
          "TIMEOUT",
          `node at ${this.url} did not answer ${method} within ${this.#timeoutMs} ms`,
        );
      }
      throw unreachable(this.url, err);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RpcClientError(
        "BAD_RESPONSE",
        `node at ${this.url} answered HTTP ${status} with a body that is not JSON`,
      );
    }
    return readResponse(value, id, this.url) as T;
  }

  /**
   * Subscribes to `topic` (and `key`, for keyed topics; undefined for every key) on a
   * connection of its own, resolving once the node has confirmed it. `onMessage` gets each
   * event's payload.
   */
  subscribe(
    topic: string,
    key: string | undefined,
    onMessage: (message: unknown) => void,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    return openSubscription(this.#wsUrl, this.#timeoutMs, { topic, key }, onMessage, options);
  }

  /**
   * The first event of `topic`/`key` that `predicate` accepts, within `timeoutMs` (TIMEOUT
   * after). Only events published after the subscription is set up are seen: to wait for the
   * effect of something you do, check the current state after this has subscribed, or
   * subscribe first with `subscribe`.
   */
  waitFor<T = unknown>(
    topic: string,
    key: string | undefined,
    predicate: (message: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let subscription: Subscription | undefined;
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        void subscription?.close();
        settle();
      };
      const timer = setTimeout(() => {
        const message = `no ${topic} event${key === undefined ? "" : ` for ${key}`} matched within ${timeoutMs} ms`;
        finish(() => reject(new RpcClientError("TIMEOUT", message)));
      }, timeoutMs);
      const onMessage = (message: unknown) => {
        try {
          if (predicate(message as T)) finish(() => resolve(message as T));
        } catch (err) {
          finish(() => reject(err));
        }
      };
      this.subscribe(topic, key, onMessage, { onError: (err) => finish(() => reject(err)) })
        .then((sub) => {
          subscription = sub;
          if (done) void sub.close();
        })
        .catch((err) => finish(() => reject(err)));
    });
  }
}
