// The counter's storage and message body (contracts §3); the contract is counter.asm.
import type { Value } from "../values.ts";
import type { StorageEntry } from "./storage.ts";

/** contracts §3.2. */
export const COUNTER_EXIT = { BAD_BODY: 32 } as const;
export const COUNTER_GET = "counter";
export const COUNTER_KEY = Uint8Array.of(0x00);

/** Storage (contracts §3.1): `00 → counter`. */
export function counterStorage(initial = 0n): StorageEntry[] {
  if (typeof initial !== "bigint") throw new TypeError(`initial: expected a bigint, got ${typeof initial}`);
  return [{ key: COUNTER_KEY.slice(), value: initial }];
}

/** The body of an internal message that adds `n`: the Int itself. */
export function counterAddBody(n: bigint): Value {
  if (typeof n !== "bigint") throw new TypeError(`n: expected a bigint, got ${typeof n}`);
  return n;
}
