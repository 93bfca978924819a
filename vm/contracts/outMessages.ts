// The outbound messages of a wallet or multisig order (contracts §1.2). The checks mirror the
// contracts' own, so a helper never builds an order the contract would refuse for its form.
import { toHex } from "../hex.ts";
import { MAX_KEY_BYTES } from "../limits.ts";
import { compareKeys } from "../opcodes/actions.ts";
import { type InitAction, SEND_MODE } from "../result.ts";
import type { Value } from "../values.ts";
import { assertBytes } from "./checks.ts";

/** At most this many messages per order, as TON's wallets. */
export const MAX_OUT_MESSAGES = 4;
export const ADDRESS_BYTES = 36;
const MAX_VALUE_NANO = (1n << 120n) - 1n;
const MODE_BITS = Object.values(SEND_MODE).reduce((a, b) => a | b, 0);
const CARRY_BOTH = SEND_MODE.CARRY_INBOUND_VALUE | SEND_MODE.CARRY_ALL_BALANCE;

/**
 * One message to send. Schema: `[dest (36 Bytes), valueNano (Int), body (any), mode (Int)]`, and
 * for the wallet a fifth item `init` (`[code, [[key, value]…]]`, vm §4.11) that deploys `dest`.
 */
export interface OutMessage {
  /** Destination address (vm §4.10): workchain as i32, then the 32-byte account id. */
  dest: Uint8Array;
  valueNano: bigint;
  body: Value;
  /** A send mode of vm §4.11. */
  mode: number;
  /** Code and initial storage of the contract at `dest` (the wallet only, contracts §1.2). */
  init?: InitAction;
}

/** True when SEND accepts `mode` (vm §4.11). */
export function isSendMode(mode: number): boolean {
  return (
    Number.isInteger(mode) && mode >= 0 && (mode & ~MODE_BITS) === 0 && (mode & CARRY_BOTH) !== CARRY_BOTH
  );
}

/** The messages as the Tuple an order carries; `allowInit` only for a contract that takes inits. */
export function outMessagesValue(messages: readonly OutMessage[], allowInit = false): Value {
  if (!Array.isArray(messages)) throw new TypeError("messages: expected an array");
  if (messages.length > MAX_OUT_MESSAGES)
    throw new RangeError(`messages: ${messages.length} of them, at most ${MAX_OUT_MESSAGES}`);
  return messages.map((m: OutMessage, i): Value => {
    assertBytes(m.dest, ADDRESS_BYTES, `messages[${i}].dest`);
    if (typeof m.valueNano !== "bigint" || m.valueNano < 0n || m.valueNano > MAX_VALUE_NANO)
      throw new RangeError(`messages[${i}].valueNano: ${String(m.valueNano)} is outside 0..2^120-1`);
    if (!isSendMode(m.mode)) throw new RangeError(`messages[${i}].mode: ${m.mode} is not a send mode`);
    if (m.body === undefined) throw new TypeError(`messages[${i}].body: expected a VM value`);
    const item: Value[] = [m.dest, m.valueNano, m.body, BigInt(m.mode)];
    if (m.init === undefined) return item;
    if (!allowInit) throw new TypeError(`messages[${i}].init: this contract does not send state inits`);
    return [...item, initValue(m.init, `messages[${i}].init`)];
  });
}

/** A state init as SENDINIT takes it (vm §4.11): `[code, [[key, value]…]]`, keys in their order. */
export function initValue(init: InitAction, what = "init"): Value {
  if (!(init.code instanceof Uint8Array)) throw new TypeError(`${what}.code: expected a Uint8Array`);
  init.data.forEach((e, j) => {
    if (!(e.key instanceof Uint8Array) || e.key.length < 1 || e.key.length > MAX_KEY_BYTES)
      throw new RangeError(`${what}.data[${j}].key: expected 1..${MAX_KEY_BYTES} bytes`);
  });
  const sorted = [...init.data].sort((a, b) => compareKeys(a.key, b.key));
  for (let j = 1; j < sorted.length; j++)
    if (compareKeys(sorted[j - 1].key, sorted[j].key) === 0)
      throw new RangeError(`${what}.data: the key ${toHex(sorted[j].key)} is given twice`);
  return [init.code, sorted.map((e): Value => [e.key, e.value])];
}
