export type StoreErrorCode =
  | "STORE_OPEN_FAILED"
  | "STORE_LOCKED"
  | "STORE_CLOSED"
  | "STORE_CORRUPT"
  | "STORE_BAD_REF"
  | "STORE_TOO_LARGE";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
