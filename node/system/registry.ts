// Which native contract a code image names, and running a contract's code, native or VM: the one
// place where execution and get-methods choose between them (staking §1.1).
import { EXIT, loadProgram, type RunResult, run, type Value, VmCodeError } from "../../vm/index.ts";
import { configContract } from "./config/contract.ts";
import { electorContract } from "./elector/contract.ts";
import { failed, isNativeImage, type NativeContract, type NativeInput } from "./native.ts";
import { poolContract } from "./pool/contract.ts";

const decoder = new TextDecoder();

const NATIVES: Readonly<Record<string, NativeContract>> = {
  config: configContract,
  elector: electorContract,
  pool: poolContract,
};

/** The native contract `code` names, or null when it is not a native image (or names none). */
export function nativeOf(code: Uint8Array): NativeContract | null {
  if (!isNativeImage(code)) return null;
  return NATIVES[decoder.decode(code.subarray(3))] ?? null;
}

/**
 * Why `code` cannot be an account's code, or null: a native image must name a contract (staking
 * §1.1), any other must load as a VM image (vm §3).
 */
export function codeError(code: Uint8Array): string | null {
  if (isNativeImage(code)) return nativeOf(code) === null ? "names no native contract" : null;
  try {
    loadProgram(code);
    return null;
  } catch (e) {
    if (e instanceof VmCodeError) return e.message;
    throw e;
  }
}

export interface ContractRun extends Omit<NativeInput, "stopAtAccept" | "stack"> {
  code: Parameters<typeof run>[0]["code"];
  stack?: readonly Value[];
  gasCredit?: bigint;
  stopAtAccept?: boolean;
}

/**
 * Runs a contract's code, native or VM. A native image whose name no contract has is code that
 * does not load, as a VM image that fails its checks: BAD_OPCODE, nothing else happens.
 */
export function runContract(o: ContractRun): RunResult {
  const { code } = o;
  if (code instanceof Uint8Array && isNativeImage(code)) {
    const native = nativeOf(code);
    if (native === null) return failed(EXIT.BAD_OPCODE, 0n);
    return native({
      entry: o.entry,
      stack: o.stack ?? [],
      storage: o.storage,
      context: o.context,
      host: o.host,
      gasLimit: o.gasLimit,
      stopAtAccept: o.stopAtAccept ?? false,
    });
  }
  return run(o);
}
