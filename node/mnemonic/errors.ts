export type MnemonicErrorCode = "MNEMONIC_WORD_COUNT" | "MNEMONIC_UNKNOWN_WORD" | "MNEMONIC_INVALID";

/** A phrase a person typed or pasted is not a usable Gram (TON) mnemonic. */
export class MnemonicError extends Error {
  readonly code: MnemonicErrorCode;
  constructor(code: MnemonicErrorCode, message: string) {
    super(message);
    this.name = "MnemonicError";
    this.code = code;
  }
}
