export type AddressErrorCode =
  | "ADDRESS_BAD_FORMAT"
  | "ADDRESS_BAD_LENGTH"
  | "ADDRESS_BAD_CHECKSUM"
  | "ADDRESS_BAD_WORKCHAIN"
  | "ADDRESS_BAD_FLAGS";

/** An address a person typed or a peer sent is not one Gram can read. */
export class AddressError extends Error {
  readonly code: AddressErrorCode;
  constructor(code: AddressErrorCode, message: string) {
    super(message);
    this.name = "AddressError";
    this.code = code;
  }
}

/** Quotes user input for an error message, cut short so a pasted page does not flood the log. */
export function quote(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 48)}…" (${text.length} characters)` : `${text}"`;
  return `"${shown}`;
}
