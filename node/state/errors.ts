export type StateErrorCode =
  /** The root is not one this store has committed (or it was pruned). */
  | "STATE_UNKNOWN_ROOT"
  /** A node under a known root is missing or unreadable: the database is damaged. */
  | "STATE_MISSING_NODE"
  | "STATE_CORRUPT_NODE"
  /** A proof that does not match its root or key. */
  | "STATE_BAD_PROOF";

export class StateError extends Error {
  readonly code: StateErrorCode;
  constructor(code: StateErrorCode, message: string) {
    super(message);
    this.name = "StateError";
    this.code = code;
  }
}
