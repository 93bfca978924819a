// Stack manipulation, constants, type tests and DUMP (vm §4.2).
import { showValue, Tuple, toValue } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

const TRUE = -1;
const FALSE = 0;

export const stackOps: OpSpec[] = [
  op("NOP", 0x00, "none", "--", 0, 0, 1, "does nothing", () => {}),
  op("PUSHINT", 0x01, "int", "-- x", 0, 1, 1, "pushes the Int immediate", (m, a) => {
    m.push(m.program.consts[a]);
  }),
  op("PUSHBYTES", 0x02, "bytes", "-- b", 0, 1, 2, "pushes the Bytes immediate", (m, a) => {
    m.push(m.program.consts[a]);
  }),
  op("PUSHNULL", 0x03, "none", "-- null", 0, 1, 1, "pushes Null", (m) => {
    m.push(null);
  }),
  op("DROP", 0x04, "none", "x --", 1, 0, 1, "removes the top item", (m) => {
    m.stack.pop();
  }),
  op("DUP", 0x05, "none", "x -- x x", 1, 2, 1, "copies the top item", (m) => {
    m.push(m.stack[m.stack.length - 1]);
  }),
  op("SWAP", 0x06, "none", "x y -- y x", 2, 2, 1, "exchanges the top two items", (m) => {
    const s = m.stack;
    const n = s.length;
    const t = s[n - 1];
    s[n - 1] = s[n - 2];
    s[n - 2] = t;
  }),
  op("OVER", 0x07, "none", "x y -- x y x", 2, 3, 1, "copies the second item", (m) => {
    m.push(m.stack[m.stack.length - 2]);
  }),
  op("ROT", 0x08, "none", "x y z -- y z x", 3, 3, 1, "moves the third item to the top", (m) => {
    const s = m.stack;
    const n = s.length;
    const x = s[n - 3];
    s[n - 3] = s[n - 2];
    s[n - 2] = s[n - 1];
    s[n - 1] = x;
  }),
  op(
    "PICK",
    0x09,
    "u8",
    "s[n] .. s[0] -- s[n] .. s[0] s[n]",
    0,
    1,
    1,
    "copies s[n] (0 is the top)",
    (m, n) => {
      m.need(n + 1);
      m.push(m.stack[m.stack.length - 1 - n]);
    },
  ),
  op("ROLL", 0x0a, "u8", "s[n] .. s[0] -- s[n-1] .. s[0] s[n]", 0, 0, 2, "moves s[n] to the top", (m, n) => {
    m.need(n + 1);
    const s = m.stack;
    const [x] = s.splice(s.length - 1 - n, 1);
    s.push(x);
  }),
  op("XCHG", 0x0b, "u8", "s[n] .. s[0] -- s[0] .. s[n]", 0, 0, 1, "exchanges the top with s[n]", (m, n) => {
    m.need(n + 1);
    const s = m.stack;
    const i = s.length - 1;
    const t = s[i];
    s[i] = s[i - n];
    s[i - n] = t;
  }),
  op("DEPTH", 0x0c, "none", "-- n", 0, 1, 1, "pushes the number of items on the stack", (m) => {
    m.push(m.stack.length);
  }),
  op("ISNULL", 0x0d, "none", "x -- f", 1, 1, 1, "true when x is Null", (m) => {
    m.push(m.pop() === null ? TRUE : FALSE);
  }),
  op("ISINT", 0x0e, "none", "x -- f", 1, 1, 1, "true when x is an Int", (m) => {
    const x = m.pop();
    m.push(typeof x === "number" || typeof x === "bigint" ? TRUE : FALSE);
  }),
  op("ISBYTES", 0x0f, "none", "x -- f", 1, 1, 1, "true when x is Bytes", (m) => {
    m.push(m.pop() instanceof Uint8Array ? TRUE : FALSE);
  }),
  op("ISTUPLE", 0x10, "none", "x -- f", 1, 1, 1, "true when x is a Tuple", (m) => {
    m.push(m.pop() instanceof Tuple ? TRUE : FALSE);
  }),
  op("DROPN", 0x11, "u8", "x1 .. xn --", 0, 0, 1, "removes the top n items", (m, n) => {
    m.need(n);
    m.stack.length -= n;
  }),
  op(
    "DUMP",
    0x12,
    "none",
    "--",
    0,
    0,
    0,
    "writes the stack to the debug sink; free, changes nothing",
    (m) => {
      if (m.debug !== undefined) m.debug(`[${m.stack.map((v) => showValue(toValue(v))).join(" ")}]`);
    },
  ),
];
