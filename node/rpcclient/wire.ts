// The client's side of the JSON-RPC 2.0 envelope: request text out, response checked in.
import { RpcClientError } from "./errors.ts";

/** Params may hold bigint (sent as a decimal string, as the server's parsers expect). */
export function requestText(method: string, params: unknown, id: number): string {
  const request =
    params === undefined ? { jsonrpc: "2.0", method, id } : { jsonrpc: "2.0", method, params, id };
  return JSON.stringify(request, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * The result of the response to request `id`, or the server's error as an RpcClientError with
 * its code. An error about the whole request (parse, size) carries id null and is taken too.
 */
export function readResponse(value: unknown, id: number, where: string): unknown {
  const bad = (problem: string) => new RpcClientError("BAD_RESPONSE", `node at ${where} ${problem}`);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw bad("answered with no response object");
  const response = value as Record<string, unknown>;
  if (response.jsonrpc !== "2.0") throw bad('answered without jsonrpc "2.0"');
  if (Object.hasOwn(response, "error")) {
    const error = response.error as Record<string, unknown> | null;
    if (
      typeof error !== "object" ||
      error === null ||
      !Number.isInteger(error.code) ||
      typeof error.message !== "string"
    ) {
      throw bad("answered with a malformed error");
    }
    if (response.id !== id && response.id !== null)
      throw bad(`answered request ${String(response.id)}, not ${id}`);
    throw new RpcClientError(error.code as number, error.message, { data: error.data });
  }
  if (response.id !== id) throw bad(`answered request ${String(response.id)}, not ${id}`);
  if (!Object.hasOwn(response, "result")) throw bad("answered with neither result nor error");
  return response.result;
}
