// The outbound messages of a wallet or multisig order (contracts §1.2). The checks mirror the
// contracts' own, so a helper never builds an order the contract would refuse for its form.
import { SEND_MODE } from "../result.ts";
import type { Value } from "../values.ts";
import { assertBytes } from "./checks.ts";

/** At most this many messages per order, as TON's wallets. */
export const MAX_OUT_MESSAGES = 4;
export const ADDRESS_BYTES = 36;
const MAX_VALUE_NANO = (1n << 120n) - 1n;
const MODE_BITS = Object.values(SEND_MODE).reduce((a, b) => a | b, 0);
const CARRY_BOTH = SEND_MODE.CARRY_INBOUND_VALUE | SEND_MODE.CARRY_ALL_BALANCE;

/** One message to send. Schema: `[dest (36 Bytes), valueNano (Int), body (any), mode (Int)]`. */
export interface OutMessage {
  /** Destination address (vm §4.10): workchain as i32, then the 32-byte account id. */
  dest: Uint8Array;
  valueNano: bigint;
  body: Value;
  /** A send mode of vm §4.11. */
  mode: number;
}

/** True when SEND accepts `mode` (vm §4.11). */
export function isSendMode(mode: number): boolean {
  return (
    Number.isInteger(mode) && mode >= 0 && (mode & ~MODE_BITS) === 0 && (mode & CARRY_BOTH) !== CARRY_BOTH
  );
}

/** The messages as the Tuple an order carries. */
export function outMessagesValue(messages: readonly OutMessage[]): Value {
  if (!Array.isArray(messages)) throw new TypeError("messages: expected an array");
  if (messages.length > MAX_OUT_MESSAGES)
    throw new RangeError(`messages: ${messages.length} of them, at most ${MAX_OUT_MESSAGES}`);
  return messages.map((m: OutMessage, i): Value => {
    assertBytes(m.dest, ADDRESS_BYTES, `messages[${i}].dest`);
    if (typeof m.valueNano !== "bigint" || m.valueNano < 0n || m.valueNano > MAX_VALUE_NANO)
      throw new RangeError(`messages[${i}].valueNano: ${String(m.valueNano)} is outside 0..2^120-1`);
    if (!isSendMode(m.mode)) throw new RangeError(`messages[${i}].mode: ${m.mode} is not a send mode`);
    if (m.body === undefined) throw new TypeError(`messages[${i}].body: expected a VM value`);
    return [m.dest, m.valueNano, m.body, BigInt(m.mode)];
  });
}
