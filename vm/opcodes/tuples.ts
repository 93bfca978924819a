// Tuples (vm §4.6): immutable, at most 255 items; "setting" an item makes a new Tuple.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { MAX_TUPLE_ITEMS } from "../limits.ts";
import { makeTuple } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const tuplesOps: OpSpec[] = [
  op(
    "TUPLE",
    0x50,
    "u8",
    "x1 .. xn -- t",
    0,
    0,
    2,
    "a Tuple of the top n items, x1 first",
    (m, n) => {
      // n items go before one comes back, so only TUPLE 0 can overflow (vm §4.2)
      m.need(n);
      if (n === 0) m.room(1);
      m.charge(n);
      const items = m.stack.splice(m.stack.length - n, n);
      m.push(makeTuple(items));
    },
    "1 per item",
  ),
  op("INDEX", 0x51, "u8", "t -- t[i]", 1, 1, 1, "item i of t (immediate); RANGE past the end", (m, i) => {
    const t = m.popTuple();
    if (i >= t.items.length) trap(EXIT.RANGE);
    m.push(t.items[i]);
  }),
  op("INDEXV", 0x52, "none", "t i -- t[i]", 2, 1, 2, "item i of t; RANGE past the end", (m) => {
    const i = m.popSmall(0, MAX_TUPLE_ITEMS);
    const t = m.popTuple();
    if (i >= t.items.length) trap(EXIT.RANGE);
    m.push(t.items[i]);
  }),
  op(
    "SETINDEXV",
    0x53,
    "none",
    "t x i -- t'",
    3,
    1,
    2,
    "a copy of t with item i replaced by x",
    (m) => {
      const i = m.popSmall(0, MAX_TUPLE_ITEMS);
      const x = m.pop();
      const t = m.popTuple();
      if (i >= t.items.length) trap(EXIT.RANGE);
      m.charge(t.items.length);
      const items = t.items.slice();
      items[i] = x;
      m.push(makeTuple(items));
    },
    "1 per item",
  ),
  op("TLEN", 0x54, "none", "t -- n", 1, 1, 1, "number of items", (m) => {
    m.push(m.popTuple().items.length);
  }),
  op(
    "UNTUPLE",
    0x55,
    "u8",
    "t -- x1 .. xn",
    1,
    0,
    2,
    "the items of t, which must have exactly n (else RANGE)",
    (m, n) => {
      const t = m.popTuple();
      if (t.items.length !== n) trap(EXIT.RANGE);
      m.room(n);
      m.charge(n);
      for (const x of t.items) m.push(x);
    },
    "1 per item",
  ),
  op(
    "UNPACK",
    0x56,
    "none",
    "t -- x1 .. xn n",
    1,
    1,
    2,
    "all items of t, then their count",
    (m) => {
      const t = m.popTuple();
      m.room(t.items.length + 1);
      m.charge(t.items.length);
      for (const x of t.items) m.push(x);
      m.push(t.items.length);
    },
    "1 per item",
  ),
  op(
    "TPUSH",
    0x57,
    "none",
    "t x -- t'",
    2,
    1,
    2,
    "a copy of t with x appended; RANGE past 255 items",
    (m) => {
      const x = m.pop();
      const t = m.popTuple();
      m.charge(t.items.length);
      m.push(makeTuple([...t.items, x]));
    },
    "1 per item",
  ),
];
