// Actions (vm §4.11): what the run asks the node to do once it has succeeded, and ACCEPT, which
// makes an external message pay for itself (vm §4.1).
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { G_ACTION_BYTE } from "../gas.ts";
import { toHex } from "../hex.ts";
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
      const init = initOf(m.pop());
      if (init === null) trap(EXIT.RANGE);
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
      m.charge(
        x instanceof Tuple ? x.items.length + (x.items[1] instanceof Tuple ? x.items[1].items.length : 0) : 0,
      );
      m.push(initOf(x) === null ? 0 : -1);
    },
    "1 per item of x and of its data",
  ),
];

function send(m: Machine, init: { action: InitAction; size: number } | undefined): void {
  const mode = m.popSmall(0, 255);
  const body = m.pop();
  const value = big(m.popInt());
  const dest = m.popBytes();
  if (dest.length !== ADDRESS_BYTES || value < 0n || value > MAX_AMOUNT) trap(EXIT.RANGE);
  if ((mode & ~SEND_MODE_BITS) !== 0 || (mode & 64 && mode & 128)) trap(EXIT.RANGE);
  m.charge(G_ACTION_BYTE * (sizeOf(body) + (init?.size ?? 0)));
  const action = { type: "send" as const, dest: dest.slice(), value, body: toValue(body), mode };
  m.addAction(init === undefined ? action : { ...action, init: init.action });
}

/**
 * A state init (vm §4.11): `[code, data]`, code Bytes, data a Tuple of `[key, value]` Tuples with
 * distinct keys of 1..128 bytes (the rule of storage keys, vm §4.9). Null for any other form.
 */
function initOf(x: Item): { action: InitAction; size: number } | null {
  if (!(x instanceof Tuple) || x.items.length !== 2) return null;
  const [code, data] = x.items;
  if (!(code instanceof Uint8Array) || !(data instanceof Tuple)) return null;
  const seen = new Set<string>();
  const entries: InitAction["data"] = [];
  for (const entry of data.items) {
    if (!(entry instanceof Tuple) || entry.items.length !== 2) return null;
    const [key, value] = entry.items;
    if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) return null;
    const id = toHex(key);
    if (seen.has(id)) return null;
    seen.add(id);
    entries.push({ key: key.slice(), value: toValue(value) });
  }
  return { action: { code: code.slice(), data: entries }, size: x.size };
}
