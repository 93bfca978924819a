export type StoreErrorCode = "STORE_OPEN_FAILED" | "STORE_LOCKED" | "STORE_CLOSED";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
