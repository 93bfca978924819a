// Bit operations and shifts on two's-complement Ints (vm §4.4). AND, OR, XOR and NOT of 257-bit
// values stay in 257 bits; SHL checks for overflow; SHR rounds toward −∞.

import { big, norm, numOrBig } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const bitsOps: OpSpec[] = [
  op("AND", 0x38, "none", "x y -- x&y", 2, 1, 2, "bitwise and", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    m.push(norm(big(a) & big(b)));
  }),
  op("OR", 0x39, "none", "x y -- x|y", 2, 1, 2, "bitwise or", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    m.push(norm(big(a) | big(b)));
  }),
  op("XOR", 0x3a, "none", "x y -- x^y", 2, 1, 2, "bitwise exclusive or", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    m.push(norm(big(a) ^ big(b)));
  }),
  op("NOT", 0x3b, "none", "x -- ~x", 1, 1, 2, "bitwise not (−x − 1); also the negation of a flag", (m) => {
    const a = m.popInt();
    // −(2^53 − 1) − 1 is exact as a number but outside the safe range, where the next operation
    // would round: numOrBig moves it to a bigint, as the canonical form of values.ts requires.
    m.push(typeof a === "number" ? numOrBig(-a - 1, () => ~BigInt(a)) : norm(~a));
  }),
  op(
    "SHL",
    0x3c,
    "none",
    "x n -- x<<n",
    2,
    1,
    2,
    "shift left by n in 0..256; overflow is INT_OVERFLOW",
    (m) => {
      const n = m.popSmall(0, 256);
      m.push(norm(big(m.popInt()) << BigInt(n)));
    },
  ),
  op("SHR", 0x3d, "none", "x n -- x>>n", 2, 1, 2, "arithmetic shift right by n in 0..256 (floor)", (m) => {
    const n = m.popSmall(0, 256);
    m.push(norm(big(m.popInt()) >> BigInt(n)));
  }),
];
