// One subscription on its own WebSocket connection to the node's /ws. It resolves only once
// the node has confirmed it, so an event published after that is never missed.
import { WebSocket } from "ws";
import { RpcClientError, unreachable } from "./errors.ts";
import { readResponse, requestText } from "./wire.ts";

export interface Subscription {
  /** The node's id for it. */
  readonly id: string;
  /** Ends the subscription and its connection; resolves when the connection is closed. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Called once if the connection ends without close() (UNREACHABLE, with the close code). */
  onError?: (error: RpcClientError) => void;
}

const SUBSCRIBE_ID = 1;
/** Events that arrive before the confirmation are held until it comes, at most this many. */
const MAX_EARLY_EVENTS = 1000;
/** How long close() waits for the node's close frame before it drops the connection. */
const CLOSE_GRACE_MS = 1_000;

export function openSubscription(
  wsUrl: string,
  timeoutMs: number,
  request: { topic: string; key: string | undefined },
  onMessage: (message: unknown) => void,
  options: SubscribeOptions,
): Promise<Subscription> {
  const ws = new WebSocket(wsUrl, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
  const params = request.key === undefined ? { topic: request.topic } : request;
  let id: string | undefined;
  let closedByUs = false;
  const early: Array<{ subscription: unknown; result: unknown }> = [];
  const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));

  return new Promise<Subscription>((resolve, reject) => {
    let settled = false;
    const fail = (error: RpcClientError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new RpcClientError(
            "TIMEOUT",
            `node at ${wsUrl} did not confirm the subscription within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );

    ws.on("open", () => ws.send(requestText("subscribe", params, SUBSCRIBE_ID)));
    ws.on("unexpected-response", (req, res) => {
      res.resume();
      req.destroy();
      fail(
        new RpcClientError(
          "UNREACHABLE",
          `node at ${wsUrl} refused the WebSocket connection: HTTP ${res.statusCode}`,
        ),
      );
    });
    ws.on("error", (err) => fail(unreachable(wsUrl, err)));
    ws.on("close", (code, reason) => {
      const error = new RpcClientError(
        "UNREACHABLE",
        `connection to node at ${wsUrl} closed: ${code} ${reason}`.trim(),
      );
      if (!settled) fail(error);
      else if (!closedByUs) options.onError?.(error);
    });
    ws.on("message", (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data));
      } catch {
        return fail(new RpcClientError("BAD_RESPONSE", `node at ${wsUrl} sent a message that is not JSON`));
      }
      if (message?.method === "subscription") {
        const event = message.params as { subscription: unknown; result: unknown };
        if (id === undefined) {
          if (early.length < MAX_EARLY_EVENTS) early.push(event);
        } else if (event?.subscription === id) onMessage(event.result);
        return;
      }
      if (settled) return;
      try {
        const result = readResponse(message, SUBSCRIBE_ID, wsUrl);
        if (typeof result !== "string")
          throw new RpcClientError("BAD_RESPONSE", `node at ${wsUrl} sent no subscription id`);
        id = result;
      } catch (err) {
        return fail(err as RpcClientError);
      }
      settled = true;
      clearTimeout(timer);
      const close = () => {
        closedByUs = true;
        ws.close(1000);
        // A node that never answers the close frame must not hold the client (ws would wait 30 s).
        const force = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
        void closed.then(() => clearTimeout(force));
        return closed;
      };
      resolve({ id, close });
      for (const event of early.splice(0)) if (event?.subscription === id) onMessage(event.result);
    });
  });
}
