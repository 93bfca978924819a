// The errors a JSON-RPC call can end in (JSON-RPC 2.0 §5.1). Handlers and param parsers throw
// RpcError; the framework sends its code, message and data unchanged and never a stack.

/** The codes of JSON-RPC 2.0 §5.1, and the framework's one application code. */
export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** A per-connection cap was reached (subscriptions); the request may succeed later. */
  LIMIT_EXCEEDED: -32005,
} as const;

const standardCodes = new Set<number>([-32700, -32600, -32601, -32602, -32603]);

/** Application codes, for errors a method means to report: -32099..-32000. */
export function isApplicationCode(code: number): boolean {
  return Number.isInteger(code) && code >= -32099 && code <= -32000;
}

/**
 * An error the client is meant to see. Codes are the standard ones of JSON-RPC 2.0 or
 * application codes in -32099..-32000; `data` must be JSON-able (bigint becomes a string).
 */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    if (!standardCodes.has(code) && !isApplicationCode(code)) {
      throw new RangeError(`RpcError code ${code} is neither a JSON-RPC code nor in -32099..-32000`);
    }
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }
}

/** INVALID_PARAMS naming the field, with the field's path in `data.field` for programs. */
export function invalidParams(field: string, problem: string): RpcError {
  return new RpcError(RpcErrorCode.INVALID_PARAMS, `invalid params: ${field}: ${problem}`, { field });
}
