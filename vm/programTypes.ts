// The decoded form of a program image (vm §3): one entry per instruction, so the interpreter
// dispatches on an index and never re-parses bytes.
import type { Item } from "./values.ts";

export interface Program {
  /** The image as given (vm §3.1). */
  readonly image: Uint8Array;
  /** Opcode byte of each instruction. */
  readonly ops: Uint8Array;
  /** The immediate of each instruction: a number, an instruction index (targets) or a `consts` index. */
  readonly args: Int32Array;
  /** Byte offset of each instruction in the body; one more entry holds the body length. */
  readonly offsets: Uint32Array;
  /** Int and Bytes immediates. */
  readonly consts: readonly Item[];
  /** Entry points and get-methods by name → instruction index. */
  readonly entries: ReadonlyMap<string, number>;
  /** Entry names in image order (sorted). */
  readonly entryNames: readonly string[];
}
