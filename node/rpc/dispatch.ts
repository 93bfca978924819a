// Runs what arrived on either transport: parse, envelope, lookup, params, handler, response
// text. Every failure becomes a JSON-RPC error; an unexpected throw is logged with its stack
// and answered with INTERNAL_ERROR only.
import type { Logger } from "pino";
import { RpcError, RpcErrorCode } from "./errors.ts";
import type { Method, RpcContext } from "./interface.ts";
import { parseJson } from "./json.ts";
import { NO_METHOD, outcomeOf, type RpcMetrics, UNKNOWN_METHOD } from "./metrics.ts";
import { quote } from "./params.ts";
import { type Call, type Entry, errorText, readEnvelope, resultText } from "./protocol.ts";

/** Methods only a WebSocket connection has; over HTTP they are "not found" with a hint. */
export const WS_ONLY_METHODS: ReadonlySet<string> = new Set(["subscribe", "unsubscribe"]);

export type Lookup = (name: string) => Method | undefined;

export class Dispatcher {
  readonly #methods: ReadonlyMap<string, Method>;
  readonly #metrics: RpcMetrics;
  readonly #log: Logger;
  readonly #maxBatch: number;

  constructor(
    methods: ReadonlyMap<string, Method>,
    deps: { metrics: RpcMetrics; log: Logger; maxBatch: number },
  ) {
    this.#methods = methods;
    this.#metrics = deps.metrics;
    this.#log = deps.log;
    this.#maxBatch = deps.maxBatch;
  }

  /**
   * Answers one HTTP body or WebSocket message: the response text, or undefined when nothing
   * is to be sent (only notifications). `extra` holds a connection's own methods.
   */
  async handle(bytes: Uint8Array, ctx: RpcContext, extra?: Lookup): Promise<string | undefined> {
    let value: unknown;
    try {
      value = parseJson(bytes);
      const envelope = readEnvelope(value, this.#maxBatch);
      if (!envelope.batch) return await this.#answer(envelope.entry, ctx, extra);
      const answers = await Promise.all(envelope.entries.map((entry) => this.#answer(entry, ctx, extra)));
      const sent = answers.filter((a) => a !== undefined);
      return sent.length === 0 ? undefined : `[${sent.join(",")}]`;
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      this.#metrics.requests.inc({ method: NO_METHOD, outcome: outcomeOf(err.code) });
      return errorText(null, err);
    }
  }

  async #answer(entry: Entry, ctx: RpcContext, extra: Lookup | undefined): Promise<string | undefined> {
    if ("error" in entry) {
      this.#metrics.requests.inc({ method: NO_METHOD, outcome: "invalid_request" });
      return errorText(entry.id, entry.error);
    }
    const { call } = entry;
    const method = extra?.(call.method) ?? this.#lookup(call.method);
    if (method === undefined) {
      this.#metrics.requests.inc({ method: UNKNOWN_METHOD, outcome: "method_not_found" });
      if (call.notification) return undefined;
      const hint = WS_ONLY_METHODS.has(call.method) ? " over HTTP; subscriptions are served at /ws" : "";
      const error = new RpcError(
        RpcErrorCode.METHOD_NOT_FOUND,
        `method not found: ${quote(call.method)}${hint}`,
      );
      return errorText(call.id, error);
    }
    const text = await this.#run(method, call, ctx);
    return call.notification ? undefined : text;
  }

  #lookup(name: string): Method | undefined {
    return this.#methods.get(name);
  }

  async #run(method: Method, call: Call, ctx: RpcContext): Promise<string> {
    const stopTimer = this.#metrics.seconds.startTimer({ method: call.method });
    let text: string;
    let error: RpcError | undefined;
    try {
      const result = await method.handler(method.params(call.params), ctx);
      text = resultText(call.id, result);
    } catch (err) {
      error = err instanceof RpcError ? err : this.#internal(err, call);
      text = errorText(call.id, error);
    }
    stopTimer();
    this.#metrics.requests.inc({ method: call.method, outcome: error ? outcomeOf(error.code) : "ok" });
    return text;
  }

  #internal(err: unknown, call: Call): RpcError {
    this.#log.error({ err, method: call.method }, "rpc method failed");
    return new RpcError(RpcErrorCode.INTERNAL_ERROR, "internal error");
  }
}
