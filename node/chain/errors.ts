// Errors of node/chain: bad genesis files, unknown blocks, and refusals a caller can act on.
export type ChainErrorCode =
  | "GENESIS_INVALID"
  | "CHAIN_NOT_INITIALIZED"
  | "CHAIN_ALREADY_INITIALIZED"
  | "CHAIN_FORMAT"
  | "CHAIN_CORRUPT"
  | "CHAIN_BAD_CANDIDATE"
  | "CHAIN_CANDIDATE_MISMATCH"
  | "CHAIN_CONFIG_INVALID";

export class ChainError extends Error {
  readonly code: ChainErrorCode;
  constructor(code: ChainErrorCode, message: string) {
    super(message);
    this.name = "ChainError";
    this.code = code;
  }
}
