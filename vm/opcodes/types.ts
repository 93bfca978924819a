// The shape of one row of the opcode table (vm §4): data the interpreter, the loader, the
// assembler and the spec all read, so none of them keeps its own list.
import type { Machine } from "../interpreter/machine.ts";

/**
 * Immediate operand kinds (vm §3.3): none; u8; u16; exit (u16, at least 32); target (u16 body
 * offset of an instruction); int (u8 length 1..33, two's-complement big-endian, minimal);
 * bytes (u16 length, then the bytes).
 */
export type Imm = "none" | "u8" | "u16" | "exit" | "target" | "int" | "bytes";

export interface OpSpec {
  readonly name: string;
  readonly byte: number;
  readonly imm: Imm;
  /** Items the instruction needs on the stack (checked before it runs). */
  readonly pops: number;
  /** Items it leaves in their place, at most (checked against the stack limit before it runs). */
  readonly pushes: number;
  /** The stack picture, "before -- after", top on the right. */
  readonly stack: string;
  /** Base gas, charged before the instruction runs. */
  readonly gas: number;
  /** The size-priced part, in words, or "" when there is none. */
  readonly sizeGas: string;
  readonly doc: string;
  readonly run: (m: Machine, arg: number) => void;
}

export function op(
  name: string,
  byte: number,
  imm: Imm,
  stack: string,
  pops: number,
  pushes: number,
  gas: number,
  doc: string,
  run: (m: Machine, arg: number) => void,
  sizeGas = "",
): OpSpec {
  return { name, byte, imm, pops, pushes, stack, gas, sizeGas, doc, run };
}
