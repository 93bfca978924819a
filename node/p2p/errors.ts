// Why a p2p call failed. Callers branch on the code (retry another peer on P2P_TIMEOUT, drop a
// peer's answer on P2P_BAD_RESPONSE), never on the message.
export type P2PErrorCode =
  /** Bytes over a topic's or protocol's cap: refused unread, the sender penalized. */
  | "P2P_TOO_LARGE"
  /** The peer did not answer (or the dial did not finish) within the time given. */
  | "P2P_TIMEOUT"
  /** The peer's answer was not a well-formed response frame. */
  | "P2P_BAD_RESPONSE"
  /** A request the handler refuses as malformed; the requesting peer is penalized. */
  | "P2P_BAD_REQUEST"
  /** The peer id does not parse, is unknown, or cannot be reached. */
  | "P2P_NO_PEER"
  /** The node was closed before or during the call. */
  | "P2P_CLOSED"
  /** The remote handler answered with an error; the message is the remote's. */
  | "P2P_REMOTE";

export class P2PError extends Error {
  readonly code: P2PErrorCode;
  /** The peer the call was about, when there is one. */
  readonly peer: string | undefined;
  constructor(code: P2PErrorCode, message: string, peer?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "P2PError";
    this.code = code;
    this.peer = peer;
  }
}

export function isP2PError(err: unknown, code?: P2PErrorCode): err is P2PError {
  return err instanceof P2PError && (code === undefined || err.code === code);
}
