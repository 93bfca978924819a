// The shape of a local network: how many validators, which ports, how fast. Node i listens for
// JSON-RPC on base+i and for peers on base+100+i, so node 0 answers at the CLI's default --rpc
// (8645) and the two ranges never overlap.
export const DEFAULT_VALIDATORS = 4;
export const DEFAULT_BASE_PORT = 8645;
/** The p2p port of node i is base + P2P_PORT_OFFSET + i. */
export const P2P_PORT_OFFSET = 100;
/** More would make the RPC range run into the p2p range. */
export const MAX_VALIDATORS = P2P_PORT_OFFSET;
/** Below it, ports are the system's (binding them needs privileges). */
export const MIN_BASE_PORT = 1024;
export const MAX_BLOCK_TIME_MS = 60_000;

export interface NodePorts {
  rpc: number;
  p2p: number;
}

export function assertValidators(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_VALIDATORS)
    throw new RangeError(`validators must be an integer in 1..${MAX_VALIDATORS}, got ${n}`);
}

/** Checks that every port of a network of `validators` nodes from `basePort` exists. */
export function assertBasePort(basePort: number, validators: number): void {
  assertValidators(validators);
  const last = basePort + P2P_PORT_OFFSET + validators - 1;
  if (!Number.isInteger(basePort) || basePort < MIN_BASE_PORT || last > 65_535)
    throw new RangeError(
      `basePort must be an integer from ${MIN_BASE_PORT} to ${65_535 - P2P_PORT_OFFSET - validators + 1} for ${validators} validators (their ports run up to base+${P2P_PORT_OFFSET + validators - 1}), got ${basePort}`,
    );
}

export function assertBlockTimeMs(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_BLOCK_TIME_MS)
    throw new RangeError(`blockTimeMs must be an integer in 1..${MAX_BLOCK_TIME_MS}, got ${ms}`);
}

export function portsOf(basePort: number, index: number): NodePorts {
  return { rpc: basePort + index, p2p: basePort + P2P_PORT_OFFSET + index };
}
