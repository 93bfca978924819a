// Persistent storage (vm §4.9): a key→value map read through an overlay. Writes stay in the
// run's overlay and reach the node only in a successful result; get-methods may only read.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { G_SLOAD_BYTE, G_SSTORE_BYTE } from "../gas.ts";
import type { Machine } from "../interpreter/machine.ts";
import { MAX_KEY_BYTES } from "../limits.ts";
import { sizeOf } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

function popKey(m: Machine): Uint8Array {
  const k = m.popBytes();
  if (k.length === 0 || k.length > MAX_KEY_BYTES) trap(EXIT.RANGE);
  return k;
}

export const storageOps: OpSpec[] = [
  op(
    "SLOAD",
    0x78,
    "none",
    "k -- v",
    1,
    1,
    50,
    "the value under key k (1..128 Bytes), Null when absent",
    (m) => {
      const k = popKey(m);
      const s = m.slot(k);
      m.charge(G_SLOAD_BYTE * (k.length + sizeOf(s.value)));
      m.push(s.value);
    },
    "1 per byte of key and value",
  ),
  op(
    "SSTORE",
    0x79,
    "none",
    "v k --",
    2,
    0,
    100,
    "stores v under k; storing Null deletes; READ_ONLY in get-methods",
    (m) => {
      if (m.readOnly) trap(EXIT.READ_ONLY);
      const k = popKey(m);
      const v = m.pop();
      m.charge(G_SSTORE_BYTE * (k.length + sizeOf(v)));
      const s = m.slot(k);
      s.value = v;
      s.written = true;
    },
    "10 per byte of key and value",
  ),
  op(
    "SDEL",
    0x7a,
    "none",
    "k --",
    1,
    0,
    50,
    "deletes key k; READ_ONLY in get-methods",
    (m) => {
      if (m.readOnly) trap(EXIT.READ_ONLY);
      const k = popKey(m);
      m.charge(G_SLOAD_BYTE * k.length);
      const s = m.slot(k);
      s.value = null;
      s.written = true;
    },
    "1 per byte of key",
  ),
];
