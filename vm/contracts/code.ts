// The standard contracts' code (contracts §1): the assembly sources shipped beside this file,
// assembled once when the module is first imported. A source that does not assemble is our bug,
// so the AsmError is left to surface at import.
import { readFileSync } from "node:fs";
import { assemble } from "../assembler/assemble.ts";
import { VM_DIR } from "../files.ts";
import { loadProgram } from "../program.ts";
import type { Program } from "../programTypes.ts";

/** A contract's image (vm §3) and the same image loaded, ready for `run`. */
export interface ContractCode {
  readonly image: Uint8Array;
  readonly program: Program;
}

function build(url: URL): ContractCode {
  const image = assemble(readFileSync(url, "utf8"));
  return { image, program: loadProgram(image) };
}

/** contracts §2. */
export const walletCode: ContractCode = build(new URL("contracts/wallet.asm", VM_DIR));
/** contracts §3. */
export const counterCode: ContractCode = build(new URL("contracts/counter.asm", VM_DIR));
/** contracts §4. */
export const multisigCode: ContractCode = build(new URL("contracts/multisig.asm", VM_DIR));
