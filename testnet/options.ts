// The shape of a local network: how many validators, how many spares, which ports, how fast. Node i
// listens for JSON-RPC on base+i and for peers on base+100+i, so node 0 answers at the CLI's
// default --rpc (8645) and the two ranges never overlap. The validators are nodes 0..V-1, the
// spares (nodes outside the genesis validator set, which follow the chain) the next ones.
export const DEFAULT_VALIDATORS = 4;
export const DEFAULT_SPARE = 0;
export const DEFAULT_BASE_PORT = 8645;
/** The p2p port of node i is base + P2P_PORT_OFFSET + i. */
export const P2P_PORT_OFFSET = 100;
/** More nodes would make the RPC range run into the p2p range. */
export const MAX_NODES = P2P_PORT_OFFSET;
export const MAX_VALIDATORS = MAX_NODES;
export const MAX_SPARE = 16;
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

export function assertSpare(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_SPARE)
    throw new RangeError(`spare must be an integer in 0..${MAX_SPARE}, got ${n}`);
}

/** "4 validators", "4 validators and 1 spare". */
export function nodesText(validators: number, spare = 0): string {
  const v = `${validators} validator${validators === 1 ? "" : "s"}`;
  return spare === 0 ? v : `${v} and ${spare} spare${spare === 1 ? "" : "s"}`;
}

/** Checks the counts of a network: validators, spares, and at most MAX_NODES nodes in all. */
export function assertNodeCounts(validators: number, spare = 0): void {
  assertValidators(validators);
  assertSpare(spare);
  if (validators + spare > MAX_NODES)
    throw new RangeError(
      `validators + spare must be at most ${MAX_NODES} (the RPC ports would run into the p2p ports), got ${validators} + ${spare}`,
    );
}

/** Checks that every port of a network of `validators` + `spare` nodes from `basePort` exists. */
export function assertBasePort(basePort: number, validators: number, spare = 0): void {
  assertNodeCounts(validators, spare);
  const nodes = validators + spare;
  const last = basePort + P2P_PORT_OFFSET + nodes - 1;
  if (!Number.isInteger(basePort) || basePort < MIN_BASE_PORT || last > 65_535)
    throw new RangeError(
      `basePort must be an integer from ${MIN_BASE_PORT} to ${65_535 - P2P_PORT_OFFSET - nodes + 1} for ${nodesText(validators, spare)} (their ports run up to base+${P2P_PORT_OFFSET + nodes - 1}), got ${basePort}`,
    );
}

export function assertBlockTimeMs(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_BLOCK_TIME_MS)
    throw new RangeError(`blockTimeMs must be an integer in 1..${MAX_BLOCK_TIME_MS}, got ${ms}`);
}

export function portsOf(basePort: number, index: number): NodePorts {
  return { rpc: basePort + index, p2p: basePort + P2P_PORT_OFFSET + index };
}
