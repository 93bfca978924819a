// The serving side of a request/response protocol: read one capped request, run the handler
// under a deadline, write one response frame, close. Garbage, oversized frames, hang-ups and
// throwing handlers end that one stream (and may cost the peer score); never the node.
import type { Connection, Stream, StreamHandler } from "@libp2p/interface";
import { type LengthPrefixedStream, lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { deadline, raceSignal } from "./deadline.ts";
import { isP2PError } from "./errors.ts";
import type { RequestHandler } from "./interface.ts";
import {
  PENALTY,
  READ_BUFFER_SLACK_BYTES,
  SERVE_HANDLER_TIMEOUT_MS,
  SERVE_READ_TIMEOUT_MS,
  SERVE_WRITE_TIMEOUT_MS,
  STREAM_CLOSE_TIMEOUT_MS,
} from "./options.ts";
import type { ProtocolCaps } from "./request.ts";
import { malformedFrame, tooLarge } from "./streamErrors.ts";
import { encodeError, encodeOk, plainBytes } from "./wire.ts";

type LpStream = LengthPrefixedStream<Stream>;

export interface ServeContext {
  penalize(peer: string, points: number, reason: string): void;
  closed: AbortSignal;
  log: Logger;
}

export function serveProtocol(
  ctx: ServeContext,
  protocol: string,
  caps: ProtocolCaps,
  handler: RequestHandler,
): StreamHandler {
  return async (stream: Stream, connection: Connection) => {
    const from = connection.remotePeer.toString();
    try {
      await serveOne(ctx, protocol, caps, handler, stream, from);
    } catch (err) {
      // serveOne handles what it expects; anything else still only costs this stream.
      ctx.log.error({ protocol, peer: from, err }, "serving a request failed");
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
  };
}

async function serveOne(
  ctx: ServeContext,
  protocol: string,
  caps: ProtocolCaps,
  handler: RequestHandler,
  stream: Stream,
  from: string,
): Promise<void> {
  const lp = lpStream(stream, {
    maxDataLength: caps.maxRequestBytes,
    maxBufferSize: caps.maxRequestBytes + READ_BUFFER_SLACK_BYTES,
  });
  let request: Uint8Array;
  try {
    request = plainBytes((await lp.read({ signal: deadline(SERVE_READ_TIMEOUT_MS, ctx.closed) })).subarray());
  } catch (err) {
    if (tooLarge(err)) {
      // Refused unread: the answer says why, then the rest of the request is dropped.
      ctx.penalize(from, PENALTY.tooLarge, `request on ${protocol} over ${caps.maxRequestBytes} bytes`);
      await answer(ctx, stream, lp, encodeError(`request over ${caps.maxRequestBytes} bytes`));
    } else if (malformedFrame(err)) {
      ctx.penalize(from, PENALTY.badRequest, `malformed request frame on ${protocol}`);
      stream.abort(new Error("malformed request frame"));
    } else {
      // Hang-up, reset, truncated frame or a peer too slow to send: nothing to answer.
      ctx.log.debug({ protocol, peer: from, err: String(err) }, "request not read");
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
    return;
  }

  let frame: Uint8Array;
  const handlerDeadline = deadline(SERVE_HANDLER_TIMEOUT_MS, ctx.closed);
  try {
    const response = await raceSignal(
      Promise.resolve().then(() => handler(request, from)),
      handlerDeadline,
    );
    if (!(response instanceof Uint8Array)) {
      ctx.log.error({ protocol }, "request handler returned no bytes");
      frame = encodeError("internal error");
    } else if (response.length > caps.maxResponseBytes) {
      ctx.log.error({ protocol, bytes: response.length }, "request handler's response over the cap");
      frame = encodeError("response too large");
    } else frame = encodeOk(response);
  } catch (err) {
    if (isP2PError(err, "P2P_BAD_REQUEST")) {
      ctx.penalize(from, PENALTY.badRequest, `bad request on ${protocol}: ${err.message}`);
      frame = encodeError(err.message);
    } else if (ctx.closed.aborted) {
      frame = encodeError("node closing");
    } else if (handlerDeadline.aborted) {
      ctx.log.warn(
        { protocol, peer: from, timeoutMs: SERVE_HANDLER_TIMEOUT_MS },
        "request handler timed out",
      );
      frame = encodeError("handler timed out");
    } else {
      ctx.log.warn({ protocol, peer: from, err }, "request handler failed");
      frame = encodeError(err instanceof Error ? err.message : String(err));
    }
  }
  await answer(ctx, stream, lp, frame);
}

/** Writes the response frame and closes our side; a stream that cannot take it is aborted. */
async function answer(ctx: ServeContext, stream: Stream, lp: LpStream, frame: Uint8Array): Promise<void> {
  // Closing waits for the frame to drain into the connection, so it shares the write's deadline.
  const signal = deadline(SERVE_WRITE_TIMEOUT_MS, ctx.closed);
  try {
    await lp.write(frame, { signal });
    await stream.close({ signal });
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  // Cutting at once could reset the stream before the answer is read; a requester that does
  // not close its side (or is still sending a refused request) is cut after a short grace.
  if (!(await endedWithin(stream, STREAM_CLOSE_TIMEOUT_MS)))
    stream.abort(new Error("requester kept the stream open"));
}

function endedWithin(stream: Stream, ms: number): Promise<boolean> {
  const ended = () => stream.status !== "open" && stream.status !== "closing";
  if (ended()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      stream.removeEventListener("close", onClose);
      resolve(ended());
    }, ms);
    timer.unref();
    stream.addEventListener("close", onClose, { once: true });
  });
}
