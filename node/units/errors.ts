export type UnitsErrorCode = "UNITS_BAD_AMOUNT" | "UNITS_TOO_PRECISE" | "UNITS_TOO_LARGE";

/** An amount a person typed is not one Gram can send. */
export class UnitsError extends Error {
  readonly code: UnitsErrorCode;
  constructor(code: UnitsErrorCode, message: string) {
    super(message);
    this.name = "UnitsError";
    this.code = code;
  }
}

/** Quotes user input for an error message, cut short so a pasted page does not flood the line. */
export function quote(text: string): string {
  return text.length > 40 ? `"${text.slice(0, 32)}…" (${text.length} characters)` : `"${text}"`;
}
