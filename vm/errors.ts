// The two ways a run stops early. A VmTrap ends the run with an exit code (a contract failure,
// returned as a value); a VmCodeError says a program image is malformed (bad external input).
import { EXIT } from "./exitCodes.ts";

/** Thrown inside the interpreter only; `run` turns it into a result. */
export class VmTrap extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`vm trap ${exitCode}`);
    this.exitCode = exitCode;
  }
}

export function trap(exitCode: number): never {
  throw new VmTrap(exitCode);
}

export type VmCodeErrorCode =
  | "CODE_BAD_HEADER"
  | "CODE_TOO_LARGE"
  | "CODE_TRUNCATED"
  | "CODE_BAD_OPCODE"
  | "CODE_BAD_IMMEDIATE"
  | "CODE_BAD_TARGET"
  | "CODE_BAD_ENTRY"
  | "CODE_TRAILING";

/** A program image that does not follow vm §3. `run` reports it as exit code BAD_OPCODE. */
export class VmCodeError extends Error {
  readonly code: VmCodeErrorCode;
  readonly offset: number;
  constructor(code: VmCodeErrorCode, message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = "VmCodeError";
    this.code = code;
    this.offset = offset;
  }
}

export const BAD_CODE_EXIT = EXIT.BAD_OPCODE;

export type AsmErrorCode =
  | "ASM_SYNTAX"
  | "ASM_UNKNOWN_OP"
  | "ASM_BAD_OPERAND"
  | "ASM_UNKNOWN_NAME"
  | "ASM_DUPLICATE"
  | "ASM_TOO_LARGE";

/** Assembly text that cannot be assembled; the message starts with the line number. */
export class AsmError extends Error {
  readonly code: AsmErrorCode;
  readonly line: number;
  constructor(code: AsmErrorCode, line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "AsmError";
    this.code = code;
    this.line = line;
  }
}
