/**
 * Why a call failed: the server's JSON-RPC error code (a number), or what went wrong on the
 * way there: UNREACHABLE (no connection), TIMEOUT (no answer in time), BAD_RESPONSE (an
 * answer that is not JSON-RPC 2.0, or not to this request).
 */
export type RpcClientErrorCode = number | "UNREACHABLE" | "TIMEOUT" | "BAD_RESPONSE";

export class RpcClientError extends Error {
  readonly code: RpcClientErrorCode;
  /** The `data` of the server's error, when it sent one. */
  readonly data: unknown;
  constructor(code: RpcClientErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "RpcClientError";
    this.code = code;
    this.data = options.data;
  }
}

const reasons: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
};

/** UNREACHABLE naming the node and the reason, from a fetch or socket failure. */
export function unreachable(url: string, err: unknown): RpcClientError {
  return new RpcClientError("UNREACHABLE", `cannot reach node at ${url}: ${reasonOf(err)}`, { cause: err });
}

function reasonOf(err: unknown): string {
  // fetch wraps the socket error in `cause`; a host with several addresses gives an AggregateError.
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && Object.hasOwn(reasons, code)) return reasons[code];
    current = current instanceof AggregateError ? current.errors[0] : current.cause;
  }
  return err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
}

/** No node answered at all (nothing listening, or no answer in time), as opposed to a refusal. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof RpcClientError && (e.code === "UNREACHABLE" || e.code === "TIMEOUT");
}
