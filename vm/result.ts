// What a run returns (vm §9): always a value, never an exception.
import type { Value } from "./values.ts";

/** Send modes a message may carry (vm §4.11): TON's, and +4 for a message that must not bounce. */
export const SEND_MODE = {
  PAY_FEES_SEPARATELY: 1,
  IGNORE_ERRORS: 2,
  /** Gram's own bit: the message does not bounce (TON carries this in the address form). */
  NON_BOUNCEABLE: 4,
  BOUNCE_ON_ACTION_FAIL: 16,
  DESTROY_IF_ZERO: 32,
  CARRY_INBOUND_VALUE: 64,
  CARRY_ALL_BALANCE: 128,
} as const;

/** What SENDINIT attaches to a message (vm §4.11): code and initial storage, keys distinct. */
export interface InitAction {
  code: Uint8Array;
  data: StorageEntry[];
}

export interface StorageEntry {
  key: Uint8Array;
  value: Value;
}

export type Action =
  | { type: "send"; dest: Uint8Array; value: bigint; body: Value; mode: number; init?: InitAction }
  | { type: "reserve"; amount: bigint; mode: number }
  | { type: "setCode"; code: Uint8Array }
  | { type: "event"; data: Value };

/** One storage change; `value` null deletes the key. Changes are sorted by key bytes. */
export interface StorageChange {
  key: Uint8Array;
  value: Value | null;
}

export interface RunResult {
  /** vm §5: 0 on success. */
  exitCode: number;
  /** Gas consumed, the limit itself on OUT_OF_GAS. */
  gasUsed: bigint;
  /** Instructions executed. */
  steps: number;
  /** True for internal messages; for externals, whether ACCEPT ran before the run ended. */
  accepted: boolean;
  /** The stack at the end, bottom first; empty on failure. */
  stack: Value[];
  /** Storage writes, sorted by key; empty on failure and for get-methods. */
  storage: StorageChange[];
  /** Actions in the order made; empty on failure. */
  actions: Action[];
}
