// Control flow (vm §4.7): jumps to instruction starts checked at load, calls with a bounded
// return stack, loops, and THROWs that end the run with a user exit code.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { MAX_CALL_DEPTH } from "../limits.ts";
import { norm } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const controlOps: OpSpec[] = [
  op("JMP", 0x60, "target", "--", 0, 0, 2, "continues at the target", (m, t) => {
    m.pc = t;
  }),
  op("JMPIF", 0x61, "target", "f --", 1, 0, 2, "jumps when f ≠ 0", (m, t) => {
    if (m.popBool()) m.pc = t;
  }),
  op("JMPIFNOT", 0x62, "target", "f --", 1, 0, 2, "jumps when f = 0", (m, t) => {
    if (!m.popBool()) m.pc = t;
  }),
  op(
    "CALL",
    0x63,
    "target",
    "--",
    0,
    0,
    3,
    "calls the function at the target; CALL_DEPTH past 256",
    (m, t) => {
      if (m.calls.length >= MAX_CALL_DEPTH) trap(EXIT.CALL_DEPTH);
      m.calls.push(m.pc);
      m.pc = t;
    },
  ),
  op(
    "RET",
    0x64,
    "none",
    "--",
    0,
    0,
    2,
    "returns to the caller; from the entry function, ends the run",
    (m) => {
      const back = m.calls.pop();
      if (back === undefined) m.halted = true;
      else m.pc = back;
    },
  ),
  op(
    "NEXT",
    0x65,
    "target",
    "n -- n-1 | --",
    1,
    1,
    2,
    "counted loop: n−1 > 0 stays on the stack and jumps; else it is dropped",
    (m, t) => {
      const n = m.popInt();
      if (n > 1) {
        m.push(typeof n === "number" ? n - 1 : norm(n - 1n));
        m.pc = t;
      }
    },
  ),
  op("THROW", 0x66, "exit", "--", 0, 0, 1, "ends the run with exit code c (32..65535)", (_m, c) => {
    trap(c);
  }),
  op("THROWIF", 0x67, "exit", "f --", 1, 0, 1, "THROW c when f ≠ 0", (m, c) => {
    if (m.popBool()) trap(c);
  }),
  op("THROWIFNOT", 0x68, "exit", "f --", 1, 0, 1, "THROW c when f = 0", (m, c) => {
    if (!m.popBool()) trap(c);
  }),
];
