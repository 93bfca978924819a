// The requesting side of a request/response protocol: one stream per request, the request
// written and half-closed, one response frame read; every step bounded by the caller's
// timeout and by close(). Failures come out as P2PErrors the caller can branch on.
import type { PeerId, Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { deadline } from "./deadline.ts";
import { P2PError } from "./errors.ts";
import { MAX_ERROR_BYTES, PENALTY, READ_BUFFER_SLACK_BYTES, STREAM_CLOSE_TIMEOUT_MS } from "./options.ts";
import { tooLarge } from "./streamErrors.ts";
import { decodeResponse } from "./wire.ts";

export interface RequestContext {
  /** Opens a stream for `protocol` to the peer, dialling it if needed. */
  openStream(peer: PeerId, protocol: string, signal: AbortSignal): Promise<Stream>;
  penalize(peer: string, points: number, reason: string): void;
  /** Fires when the node closes. */
  closed: AbortSignal;
  log: Logger;
}

export interface ProtocolCaps {
  maxRequestBytes: number;
  maxResponseBytes: number;
}

export async function sendRequest(
  ctx: RequestContext,
  peer: string,
  protocol: string,
  caps: ProtocolCaps,
  data: Uint8Array,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (ctx.closed.aborted) throw new P2PError("P2P_CLOSED", "p2p is closed", peer);
  if (data.length > caps.maxRequestBytes) {
    throw new P2PError("P2P_TOO_LARGE", `request of ${data.length} bytes over ${caps.maxRequestBytes}`, peer);
  }
  let peerId: PeerId;
  try {
    peerId = peerIdFromString(peer);
  } catch (err) {
    throw new P2PError("P2P_NO_PEER", `not a peer id: ${JSON.stringify(peer)}`, peer, { cause: err });
  }
  const signal = deadline(timeoutMs, ctx.closed);
  // Which failures mean what depends on how far the exchange got.
  let stage: "dial" | "exchange" = "dial";
  let stream: Stream | undefined;
  try {
    stream = await ctx.openStream(peerId, protocol, signal);
    stage = "exchange";
    // An error answer may be longer than a small protocol's responses.
    const maxFrame = Math.max(caps.maxResponseBytes, MAX_ERROR_BYTES) + 1;
    const lp = lpStream(stream, {
      maxDataLength: maxFrame,
      maxBufferSize: maxFrame + READ_BUFFER_SLACK_BYTES,
    });
    await lp.write(data, { signal });
    // Half-close: the server knows the request is whole and answers.
    await stream.close({ signal });
    const frame = (await lp.read({ signal })).subarray();
    const response = decodeResponse(frame);
    if (response === undefined) {
      ctx.penalize(peer, PENALTY.badResponse, `malformed response on ${protocol}`);
      throw new P2PError("P2P_BAD_RESPONSE", `malformed response on ${protocol}`, peer);
    }
    if (!response.ok) throw new P2PError("P2P_REMOTE", response.message, peer);
    if (response.data.length > caps.maxResponseBytes) {
      ctx.penalize(peer, PENALTY.tooLarge, `response on ${protocol} over ${caps.maxResponseBytes} bytes`);
      throw new P2PError("P2P_TOO_LARGE", `response over ${caps.maxResponseBytes} bytes`, peer);
    }
    return response.data;
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)));
    stream = undefined;
    throw classify(ctx, err, { stage, timedOut: signal.aborted }, peer, protocol, caps);
  } finally {
    // The server closes its side after the answer; one that does not is cut.
    if (stream !== undefined && !isClosed(stream)) {
      await stream.close({ signal: AbortSignal.timeout(STREAM_CLOSE_TIMEOUT_MS) }).catch(() => {});
      if (!isClosed(stream)) stream.abort(new Error("response read; stream cut"));
    }
  }
}

function classify(
  ctx: RequestContext,
  err: unknown,
  at: { stage: "dial" | "exchange"; timedOut: boolean },
  peer: string,
  protocol: string,
  caps: ProtocolCaps,
): P2PError {
  if (ctx.closed.aborted) return new P2PError("P2P_CLOSED", "p2p closed during the request", peer);
  if (err instanceof P2PError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  // libp2p wraps an aborted wait in errors of its own; the signal says what happened.
  if (at.timedOut) {
    return new P2PError("P2P_TIMEOUT", `no answer on ${protocol} in time`, peer, { cause: err });
  }
  if (at.stage === "dial") {
    return new P2PError("P2P_NO_PEER", `cannot reach peer on ${protocol}: ${reason}`, peer, { cause: err });
  }
  if (tooLarge(err)) {
    ctx.penalize(peer, PENALTY.tooLarge, `response on ${protocol} over ${caps.maxResponseBytes} bytes`);
    return new P2PError("P2P_TOO_LARGE", `response over ${caps.maxResponseBytes} bytes`, peer, {
      cause: err,
    });
  }
  // Reset, hang-up or truncated frame: no answer, but no proof of malice either.
  return new P2PError("P2P_BAD_RESPONSE", `no complete answer on ${protocol}: ${reason}`, peer, {
    cause: err,
  });
}

/** A function, so the check is made afresh after an await. */
function isClosed(stream: Stream): boolean {
  return stream.status === "closed";
}
