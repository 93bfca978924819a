export type KeystoreErrorCode =
  | "KEYSTORE_EXISTS"
  | "KEYSTORE_NOT_FOUND"
  | "KEYSTORE_BAD_PASSWORD"
  | "KEYSTORE_CORRUPT"
  | "KEYSTORE_BAD_NAME";

/** A wallet cannot be stored, found or opened as asked. */
export class KeystoreError extends Error {
  readonly code: KeystoreErrorCode;
  constructor(code: KeystoreErrorCode, message: string) {
    super(message);
    this.name = "KeystoreError";
    this.code = code;
  }
}
