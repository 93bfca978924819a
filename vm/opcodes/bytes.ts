// Bytes (vm §4.5): immutable byte strings; every copy is priced per word.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { G_COPY_WORD, words } from "../gas.ts";
import { MAX_VALUE_SIZE } from "../limits.ts";
import { big, norm } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const bytesOps: OpSpec[] = [
  op(
    "BCAT",
    0x40,
    "none",
    "a b -- a‖b",
    2,
    1,
    2,
    "concatenation",
    (m) => {
      const b = m.popBytes();
      const a = m.popBytes();
      if (a.length + b.length + 3 > MAX_VALUE_SIZE) trap(EXIT.VALUE_TOO_LARGE);
      const out = new Uint8Array(a.length + b.length);
      m.charge(G_COPY_WORD * words(out.length));
      out.set(a, 0);
      out.set(b, a.length);
      m.push(out);
    },
    "1 per word of the result",
  ),
  op(
    "BSLICE",
    0x41,
    "none",
    "b start len -- b[start, start+len)",
    3,
    1,
    2,
    "a sub-range; RANGE when it leaves b",
    (m) => {
      const len = m.popSmall(0, MAX_VALUE_SIZE);
      const start = m.popSmall(0, MAX_VALUE_SIZE);
      const b = m.popBytes();
      if (start + len > b.length) trap(EXIT.RANGE);
      m.charge(G_COPY_WORD * words(len));
      m.push(b.slice(start, start + len));
    },
    "1 per word of the result",
  ),
  op("BLEN", 0x42, "none", "b -- n", 1, 1, 1, "length in bytes", (m) => {
    m.push(m.popBytes().length);
  }),
  op(
    "BEQ",
    0x43,
    "none",
    "a b -- f",
    2,
    1,
    2,
    "true when the Bytes are equal",
    (m) => {
      const b = m.popBytes();
      const a = m.popBytes();
      m.charge(G_COPY_WORD * words(Math.min(a.length, b.length)));
      let eq = a.length === b.length;
      for (let i = 0; eq && i < a.length; i++) eq = a[i] === b[i];
      m.push(eq ? -1 : 0);
    },
    "1 per word of the shorter",
  ),
  op(
    "ITOB",
    0x44,
    "none",
    "x n -- b",
    2,
    1,
    2,
    "x ≥ 0 as n big-endian bytes, n in 0..32; RANGE when x does not fit",
    (m) => {
      const n = m.popSmall(0, 32);
      const x = big(m.popInt());
      if (x < 0n || x >> BigInt(8 * n) !== 0n) trap(EXIT.RANGE);
      const out = new Uint8Array(n);
      let v = x;
      for (let i = n - 1; i >= 0; i--) {
        out[i] = Number(v & 0xffn);
        v >>= 8n;
      }
      m.push(out);
    },
  ),
  op("BTOI", 0x45, "none", "b -- x", 1, 1, 2, "Bytes of at most 32 as a big-endian unsigned Int", (m) => {
    const b = m.popBytes();
    if (b.length > 32) trap(EXIT.RANGE);
    let v = 0n;
    for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
    m.push(norm(v));
  }),
];
