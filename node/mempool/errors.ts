// Why the mempool refuses a message (chain §7.1). Each code is answered to the sender as is.
export type MempoolErrorCode =
  | "MEMPOOL_BAD_MESSAGE"
  | "MEMPOOL_TOO_LARGE"
  | "MEMPOOL_NOT_EXTERNAL"
  | "MEMPOOL_UNKNOWN_WORKCHAIN"
  | "MEMPOOL_FULL"
  | "MEMPOOL_REFUSED"
  | "MEMPOOL_ALREADY_DONE";

export class MempoolError extends Error {
  readonly code: MempoolErrorCode;
  readonly exitCode: number | null;
  constructor(code: MempoolErrorCode, message: string, exitCode: number | null = null) {
    super(message);
    this.name = "MempoolError";
    this.code = code;
    this.exitCode = exitCode;
  }
}
