// The JSON-RPC 2.0 envelope (spec §4–§6): which values are requests, notifications and batches,
// and the text of responses. Knows nothing of methods or transports.
import { RpcError, RpcErrorCode } from "./errors.ts";
import { toJson } from "./json.ts";
import { quote } from "./params.ts";

export type RequestId = string | number | null;

/** A well-formed request; `notification` when it had no `id` member (§4.1): no response. */
export interface Call {
  method: string;
  params: unknown;
  id: RequestId;
  notification: boolean;
}

/** One element of what arrived: a call to run, or the error to answer it with. */
export type Entry = { call: Call } | { error: RpcError; id: RequestId };

export type Envelope = { batch: false; entry: Entry } | { batch: true; entries: Entry[] };

const members = new Set(["jsonrpc", "method", "params", "id"]);

/** Reads a parsed body as one request or a batch (§6); throws INVALID_REQUEST for a bad batch. */
export function readEnvelope(value: unknown, maxBatch: number): Envelope {
  if (!Array.isArray(value)) return { batch: false, entry: readRequest(value) };
  if (value.length === 0) throw invalid("an empty batch");
  if (value.length > maxBatch) throw invalid(`a batch of ${value.length} requests, more than ${maxBatch}`);
  return { batch: true, entries: value.map(readRequest) };
}

function readRequest(value: unknown): Entry {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: invalid("a request must be an object"), id: null };
  }
  const request = value as Record<string, unknown>;
  const hasId = Object.hasOwn(request, "id");
  const id = request.id;
  if (hasId && !isId(id)) return { error: invalid("id must be a string, a finite number or null"), id: null };
  const knownId = hasId ? (id as RequestId) : null;
  for (const key of Object.keys(request)) {
    if (!members.has(key)) return { error: invalid(`unknown member ${quote(key)}`), id: knownId };
  }
  if (request.jsonrpc !== "2.0") return { error: invalid('jsonrpc must be "2.0"'), id: knownId };
  if (typeof request.method !== "string") return { error: invalid("method must be a string"), id: knownId };
  const params = request.params;
  if (Object.hasOwn(request, "params") && (typeof params !== "object" || params === null)) {
    return { error: invalid("params must be an object or an array"), id: knownId };
  }
  return { call: { method: request.method, params, id: knownId, notification: !hasId } };
}

function isId(id: unknown): boolean {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

function invalid(problem: string): RpcError {
  return new RpcError(RpcErrorCode.INVALID_REQUEST, `invalid request: ${problem}`);
}

/** A success response (§5); throws if the result cannot be written as JSON. */
export function resultText(id: RequestId, result: unknown): string {
  return `{"jsonrpc":"2.0","result":${toJson(result)},"id":${JSON.stringify(id)}}`;
}

/** An error response (§5.1). Data that cannot be written as JSON is left out. */
export function errorText(id: RequestId, error: RpcError): string {
  const body: { code: number; message: string; data?: unknown } = {
    code: error.code,
    message: error.message,
  };
  let text: string;
  try {
    if (error.data !== undefined) body.data = error.data;
    text = toJson(body);
  } catch {
    text = JSON.stringify({ code: error.code, message: error.message });
  }
  return `{"jsonrpc":"2.0","error":${text},"id":${JSON.stringify(id)}}`;
}
