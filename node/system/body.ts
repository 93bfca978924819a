// Reading a system contract's message body (staking §1.4): a Tuple whose first item is the
// operation's number, then its arguments. A body of another shape is refused by exit code, never
// by a throw, so a bad message is an ordinary failed transaction that bounces.
import { EXIT, RECV_INTERNAL, type RunResult, type Value } from "../../vm/index.ts";
import { failed, type NativeInput } from "./native.ts";

/** Exit codes every system contract shares (their own start at 100). */
export const SYSTEM_EXIT = {
  /** The body is not a Tuple led by a known operation with its arguments. */
  BAD_BODY: 70,
  /** An external message, which the contract does not take. */
  NO_EXTERNALS: 71,
  /** The native code runs only at its contract's own address. */
  NOT_HOME: 72,
  /** A get-method the contract does not have. */
  NO_METHOD: EXIT.NO_ENTRY,
} as const;

export type Args = readonly Value[];

export function bytesArg(v: Value | undefined, length: number): Uint8Array | null {
  return v instanceof Uint8Array && v.length === length ? v : null;
}

export function intArg(v: Value | undefined, min: bigint, max: bigint): bigint | null {
  return typeof v === "bigint" && v >= min && v <= max ? v : null;
}

/** The operation and arguments of a receiver's body, or null when it is not one. */
export function operation(input: NativeInput): { op: bigint; args: Args } | null {
  const body = input.stack[0];
  if (!Array.isArray(body) || body.length === 0 || typeof body[0] !== "bigint") return null;
  return { op: body[0], args: body.slice(1) };
}

/** A run that ended with `exitCode`. An internal message is taken whatever happens (vm §9). */
export function fail(input: NativeInput, exitCode: number, gasUsed: bigint): RunResult {
  return failed(exitCode, gasUsed, input.entry === RECV_INTERNAL);
}

/** Charges `gas` of the run's limit: out of gas when the limit is below. */
export function charge(input: NativeInput, gas: bigint): RunResult | null {
  return gas > input.gasLimit ? fail(input, EXIT.OUT_OF_GAS, input.gasLimit) : null;
}

export function done(
  gasUsed: bigint,
  storage: RunResult["storage"],
  actions: RunResult["actions"] = [],
  stack: Value[] = [],
): RunResult {
  return { exitCode: EXIT.OK, gasUsed, steps: 0, accepted: true, stack, storage, actions };
}
