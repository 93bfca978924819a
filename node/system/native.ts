// System contracts run as native code (DESIGN §5, staking §1): an account whose code is a native
// image runs a TypeScript contract instead of the VM, with the VM's inputs (entry, stack, storage,
// context, gas) and the VM's result (exit code, gas, storage changes, actions), so every phase
// around it — credit, actions, bounce, the transaction record — is the ledger's as for any
// contract, and users reach it with ordinary messages and get-methods.
import type { Host, RunContext, RunResult, StorageReader, Value } from "../../vm/index.ts";

/** "GN" and version 1: a VM image starts "GV" (vm §3.1), so no image is both. */
const NATIVE_MAGIC = [0x47, 0x4e, 0x01] as const;

export interface NativeInput {
  /** `recv_internal`, `recv_external`, or a get-method's name. */
  entry: string;
  stack: readonly Value[];
  storage: StorageReader;
  context: RunContext;
  host: Host;
  gasLimit: bigint;
  /** As the VM's: an external message's check ends at acceptance (chain §7.1). */
  stopAtAccept: boolean;
}

/** What a native contract does with one run. It may throw only for a bug of its own. */
export type NativeContract = (input: NativeInput) => RunResult;

/** The code image that runs the native contract `name`. */
export function nativeCode(name: string): Uint8Array {
  if (!/^[a-z]{1,32}$/.test(name)) throw new RangeError(`name: ${JSON.stringify(name)}`);
  return Uint8Array.from([...NATIVE_MAGIC, ...new TextEncoder().encode(name)]);
}

export function isNativeImage(code: Uint8Array): boolean {
  return (
    code.length > 3 &&
    code[0] === NATIVE_MAGIC[0] &&
    code[1] === NATIVE_MAGIC[1] &&
    code[2] === NATIVE_MAGIC[2]
  );
}

/** A run that ended with `exitCode`: nothing it did stands (vm §9). */
export function failed(exitCode: number, gasUsed: bigint, accepted = false): RunResult {
  return { exitCode, gasUsed, steps: 0, accepted, stack: [], storage: [], actions: [] };
}
