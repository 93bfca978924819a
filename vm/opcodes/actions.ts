// Actions (vm §4.11): what the run asks the node to do once it has succeeded, and ACCEPT, which
// makes an external message pay for itself (vm §4.1).
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { G_ACTION_BYTE } from "../gas.ts";
import type { Machine } from "../interpreter/machine.ts";
import { MAX_KEY_BYTES } from "../limits.ts";
import type { InitAction } from "../result.ts";
import { big, type Item, sizeOf, Tuple, toValue } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

/** Send-mode bits the VM accepts (vm §4.11); 64 and 128 exclude each other. */
const SEND_MODE_BITS = 1 | 2 | 4 | 16 | 32 | 64 | 128;
const MAX_AMOUNT = (1n << 120n) - 1n;
export const ADDRESS_BYTES = 36;

export const actionsOps: OpSpec[] = [
  op(
    "ACCEPT",
    0x90,
    "none",
    "--",
    0,
    0,
    1,
    "agrees to pay for this run: the gas limit becomes the bought one",
    (m) => {
      if (m.accepted) return;
      m.accepted = true;
      m.gasLeft += m.boughtGas - m.gasLimit;
      m.gasLimit = m.boughtGas;
      if (m.stopAtAccept) m.halted = true;
    },
  ),
  op(
    "SEND",
    0x91,
    "none",
    "dest value body mode --",
    4,
    0,
    100,
    "sends a message of value nanograms to dest (36 Bytes) with the send mode",
    (m) => send(m, undefined),
    "1 per size unit of body",
  ),
  op(
    "RESERVE",
    0x92,
    "none",
    "amount mode --",
    2,
    0,
    50,
    "keeps amount on the account (mode 0..15, as TON)",
    (m) => {
      const mode = m.popSmall(0, 15);
      const amount = big(m.popInt());
      if (amount < 0n || amount > MAX_AMOUNT) trap(EXIT.RANGE);
      m.addAction({ type: "reserve", amount, mode });
    },
  ),
  op(
    "SETCODE",
    0x93,
    "none",
    "code --",
    1,
    0,
    100,
    "replaces the contract's code after this run",
    (m) => {
      const code = m.popBytes();
      m.charge(G_ACTION_BYTE * code.length);
      m.addAction({ type: "setCode", code: code.slice() });
    },
    "1 per byte of code",
  ),
  op(
    "EMIT",
    0x94,
    "none",
    "x --",
    1,
    0,
    50,
    "emits an event (an external outbound message) carrying x",
    (m) => {
      const x = m.pop();
      m.charge(G_ACTION_BYTE * sizeOf(x));
      m.addAction({ type: "event", data: toValue(x) });
    },
    "1 per size unit of x",
  ),
  op(
    "SENDINIT",
    0x95,
    "none",
    "dest value body mode init --",
    5,
    0,
    100,
    "SEND with a state init [code, [[key, value]…]] that deploys the destination",
    (m) => {
      const init = m.pop();
      if (!isInit(init)) trap(EXIT.RANGE);
      send(m, init);
    },
    "1 per size unit of body and init",
  ),
  op(
    "ISINIT",
    0x96,
    "none",
    "x -- f",
    1,
    1,
    5,
    "true when x has the form of the init SENDINIT takes",
    (m) => {
      const x = m.pop();
      const data = x instanceof Tuple && x.items.length === 2 ? x.items[1] : null;
      m.charge(data instanceof Tuple ? data.items.length : 0);
      m.push(isInit(x) ? -1 : 0);
    },
    "1 per entry of its data",
  ),
];

function send(m: Machine, init: Tuple | undefined): void {
  const mode = m.popSmall(0, 255);
  const body = m.pop();
  const value = big(m.popInt());
  const dest = m.popBytes();
  if (dest.length !== ADDRESS_BYTES || value < 0n || value > MAX_AMOUNT) trap(EXIT.RANGE);
  if ((mode & ~SEND_MODE_BITS) !== 0 || (mode & 64 && mode & 128)) trap(EXIT.RANGE);
  m.charge(G_ACTION_BYTE * (sizeOf(body) + (init === undefined ? 0 : init.size)));
  const action = { type: "send" as const, dest: dest.slice(), value, body: toValue(body), mode };
  m.addAction(init === undefined ? action : { ...action, init: initAction(init) });
}

/**
 * True when x is a state init (vm §4.11): `[code, data]`, code Bytes, data a Tuple of `[key,
 * value]` Tuples whose keys are storage keys (1..128 bytes, vm §4.9) in strictly ascending key
 * order (`compareKeys`). Requiring the order makes the check one pass that copies nothing, so its
 * price per entry covers it.
 */
function isInit(x: Item): x is Tuple {
  if (!(x instanceof Tuple) || x.items.length !== 2) return false;
  const [code, data] = x.items;
  if (!(code instanceof Uint8Array) || !(data instanceof Tuple)) return false;
  let previous: Uint8Array | null = null;
  for (const entry of data.items) {
    if (!(entry instanceof Tuple) || entry.items.length !== 2) return false;
    const key = entry.items[0];
    if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) return false;
    if (previous !== null && compareKeys(previous, key) >= 0) return false;
    previous = key;
  }
  return true;
}

/** The order of keys in an init (vm §4.11): shorter first, then byte by byte. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The host's copy of an init that passed `isInit`. */
function initAction(x: Tuple): InitAction {
  const [code, data] = x.items as [Uint8Array, Tuple];
  return {
    code: code.slice(),
    data: data.items.map((e) => {
      const [key, value] = (e as Tuple).items;
      return { key: (key as Uint8Array).slice(), value: toValue(value) };
    }),
  };
}
