// Integer arithmetic and comparison (vm §4.3). Small Ints take the number path; anything that
// may leave the safe range is redone exactly in bigint and checked against 257 bits.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import type { Machine } from "../interpreter/machine.ts";
import { big, type Int, norm, numOrBig } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

const TRUE = -1;
const FALSE = 0;

function binary(
  m: Machine,
  fast: (a: number, b: number) => Int,
  slow: (a: bigint, b: bigint) => bigint,
): void {
  const b = m.popInt();
  const a = m.popInt();
  if (typeof a === "number" && typeof b === "number") m.push(fast(a, b));
  else m.push(norm(slow(big(a), big(b))));
}

function compare(m: Machine, test: (c: number) => boolean): void {
  const b = m.popInt();
  const a = m.popInt();
  const c = a < b ? -1 : a > b ? 1 : 0;
  m.push(test(c) ? TRUE : FALSE);
}

/** Floor division (vm §4.3): rounds toward −∞, as TVM does; division by zero is INT_OVERFLOW. */
function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(EXIT.INT_OVERFLOW);
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  if (b === 0n) trap(EXIT.INT_OVERFLOW);
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

export const arithmeticOps: OpSpec[] = [
  op("ADD", 0x20, "none", "x y -- x+y", 2, 1, 2, "sum", (m) =>
    binary(
      m,
      (a, b) => numOrBig(a + b, () => BigInt(a) + BigInt(b)),
      (a, b) => a + b,
    ),
  ),
  op("SUB", 0x21, "none", "x y -- x-y", 2, 1, 2, "difference", (m) =>
    binary(
      m,
      (a, b) => numOrBig(a - b, () => BigInt(a) - BigInt(b)),
      (a, b) => a - b,
    ),
  ),
  op("MUL", 0x22, "none", "x y -- x*y", 2, 1, 3, "product", (m) =>
    binary(
      m,
      (a, b) => numOrBig(a * b, () => BigInt(a) * BigInt(b)),
      (a, b) => a * b,
    ),
  ),
  op("DIV", 0x23, "none", "x y -- floor(x/y)", 2, 1, 4, "quotient rounded down; y = 0 is INT_OVERFLOW", (m) =>
    binary(m, (a, b) => norm(floorDiv(BigInt(a), BigInt(b))), floorDiv),
  ),
  op(
    "MOD",
    0x24,
    "none",
    "x y -- x mod y",
    2,
    1,
    4,
    "remainder with the sign of y; y = 0 is INT_OVERFLOW",
    (m) => binary(m, (a, b) => norm(floorMod(BigInt(a), BigInt(b))), floorMod),
  ),
  op("NEG", 0x25, "none", "x -- -x", 1, 1, 2, "negation (−(−2^256) overflows)", (m) => {
    const x = m.popInt();
    m.push(typeof x === "number" ? (x === 0 ? 0 : -x) : norm(-x));
  }),
  op("ABS", 0x26, "none", "x -- |x|", 1, 1, 2, "absolute value", (m) => {
    const x = m.popInt();
    m.push(typeof x === "number" ? Math.abs(x) : norm(x < 0n ? -x : x));
  }),
  op("INC", 0x27, "none", "x -- x+1", 1, 1, 1, "adds one", (m) => {
    const x = m.popInt();
    m.push(typeof x === "number" ? numOrBig(x + 1, () => BigInt(x) + 1n) : norm(x + 1n));
  }),
  op("DEC", 0x28, "none", "x -- x-1", 1, 1, 1, "subtracts one", (m) => {
    const x = m.popInt();
    m.push(typeof x === "number" ? numOrBig(x - 1, () => BigInt(x) - 1n) : norm(x - 1n));
  }),
  op("MIN", 0x29, "none", "x y -- min", 2, 1, 2, "smaller of the two", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    // biome-ignore lint/complexity/useMathMinMax: Ints may be bigints, which Math does not take
    m.push(a <= b ? a : b);
  }),
  op("MAX", 0x2a, "none", "x y -- max", 2, 1, 2, "larger of the two", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    // biome-ignore lint/complexity/useMathMinMax: Ints may be bigints, which Math does not take
    m.push(a >= b ? a : b);
  }),
  op("EQ", 0x2b, "none", "x y -- f", 2, 1, 2, "true when x = y", (m) => compare(m, (c) => c === 0)),
  op("NEQ", 0x2c, "none", "x y -- f", 2, 1, 2, "true when x ≠ y", (m) => compare(m, (c) => c !== 0)),
  op("LT", 0x2d, "none", "x y -- f", 2, 1, 2, "true when x < y", (m) => compare(m, (c) => c < 0)),
  op("GT", 0x2e, "none", "x y -- f", 2, 1, 2, "true when x > y", (m) => compare(m, (c) => c > 0)),
  op("LEQ", 0x2f, "none", "x y -- f", 2, 1, 2, "true when x ≤ y", (m) => compare(m, (c) => c <= 0)),
  op("GEQ", 0x30, "none", "x y -- f", 2, 1, 2, "true when x ≥ y", (m) => compare(m, (c) => c >= 0)),
  op("CMP", 0x31, "none", "x y -- c", 2, 1, 2, "−1, 0 or 1 as x <, =, > y", (m) => {
    const b = m.popInt();
    const a = m.popInt();
    m.push(a < b ? -1 : a > b ? 1 : 0);
  }),
  op("ISZERO", 0x32, "none", "x -- f", 1, 1, 1, "true when x = 0", (m) => {
    m.push(m.popInt() === 0 ? TRUE : FALSE);
  }),
  op("ADDINT", 0x33, "int", "x -- x+c", 1, 1, 2, "adds the Int immediate c", (m, a) => {
    const x = m.popInt();
    const c = m.program.consts[a] as Int;
    if (typeof x === "number" && typeof c === "number") m.push(numOrBig(x + c, () => BigInt(x) + BigInt(c)));
    else m.push(norm(big(x) + big(c)));
  }),
];
