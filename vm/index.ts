// The Gram VM (DESIGN §4, specs/vm.md): a deterministic, gas-metered stack machine. The node hands
// it crypto and the canonical hash through `Host`; it imports nothing of node/.

export { assemble } from "./assembler/assemble.ts";
export { disassemble } from "./assembler/disassemble.ts";
export * from "./contracts/index.ts";
export { AsmError, type AsmErrorCode, VmCodeError, type VmCodeErrorCode } from "./errors.ts";
export { EXIT, type ExitName, MAX_USER_EXIT, MIN_USER_EXIT } from "./exitCodes.ts";
export type { Host, RunContext, StorageReader } from "./host.ts";
export { EMPTY_STORAGE } from "./host.ts";
export {
  DEFAULT_GAS_CREDIT,
  RECV_EXTERNAL,
  RECV_INTERNAL,
  type RunOptions,
  run,
} from "./interpreter/run.ts";
export * as limits from "./limits.ts";
export { OPCODES } from "./opcodes/table.ts";
export type { Imm, OpSpec } from "./opcodes/types.ts";
export { encodeProgram, loadProgram, type ProgramParts } from "./program.ts";
export type { Program } from "./programTypes.ts";
export {
  type Action,
  type InitAction,
  type RunResult,
  SEND_MODE,
  type StorageChange,
} from "./result.ts";
export { showValue, type Value, valueEquals, valueSize } from "./values.ts";
