// The framework's own metrics. Method labels come only from the method table, never from the
// client, so a client cannot grow the label set.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { RpcErrorCode } from "./errors.ts";

/** How a call ended, the `outcome` label of rpc_requests_total. */
export type Outcome =
  | "ok"
  | "app_error"
  | "invalid_params"
  | "internal_error"
  | "method_not_found"
  | "invalid_request"
  | "parse_error";

/** The `method` label for a call naming no method in the table, and for a request with none. */
export const UNKNOWN_METHOD = "(unknown)";
export const NO_METHOD = "(invalid)";

const outcomeByCode: ReadonlyMap<number, Outcome> = new Map([
  [RpcErrorCode.PARSE_ERROR, "parse_error"],
  [RpcErrorCode.INVALID_REQUEST, "invalid_request"],
  [RpcErrorCode.METHOD_NOT_FOUND, "method_not_found"],
  [RpcErrorCode.INVALID_PARAMS, "invalid_params"],
  [RpcErrorCode.INTERNAL_ERROR, "internal_error"],
]);

export function outcomeOf(code: number): Outcome {
  return outcomeByCode.get(code) ?? "app_error";
}

export interface RpcMetrics {
  requests: Counter<"method" | "outcome">;
  seconds: Histogram<"method">;
  wsConnections: Gauge;
  wsSubscriptions: Gauge;
  wsSlowClosed: Counter;
}

/** Registers the metrics in `registry`, or reuses them when another server already did. */
export function createRpcMetrics(registry: Registry): RpcMetrics {
  const registers = [registry];
  const existing = <M>(name: string): M | undefined => registry.getSingleMetric(name) as M | undefined;
  return {
    requests:
      existing("rpc_requests_total") ??
      new Counter({
        name: "rpc_requests_total",
        help: "JSON-RPC calls answered, by method and outcome",
        labelNames: ["method", "outcome"],
        registers,
      }),
    seconds:
      existing("rpc_request_seconds") ??
      new Histogram({
        name: "rpc_request_seconds",
        help: "Time from params check to result of a JSON-RPC call, by method",
        labelNames: ["method"],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers,
      }),
    wsConnections:
      existing("rpc_ws_connections") ??
      new Gauge({ name: "rpc_ws_connections", help: "Open WebSocket connections", registers }),
    wsSubscriptions:
      existing("rpc_ws_subscriptions") ??
      new Gauge({ name: "rpc_ws_subscriptions", help: "Live WebSocket subscriptions", registers }),
    wsSlowClosed:
      existing("rpc_ws_slow_closed_total") ??
      new Counter({
        name: "rpc_ws_slow_closed_total",
        help: "WebSocket connections closed because their send queue passed wsQueueLimit",
        registers,
      }),
  };
}
