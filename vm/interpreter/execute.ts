// The dispatch loop (vm §4, §9.3). The hottest instructions on small Ints run inline on local
// copies of pc, gas and steps, so a counting loop never leaves this function; everything else,
// and every case a fast path does not cover (a bigint, a wrong type, a result past 2^53), goes to
// the opcode table's handler with the machine brought up to date first. Both paths charge the same
// gas at the same point, so where a run ends never depends on which path ran.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { MAX_CALL_DEPTH, MAX_STACK, MAX_STEPS } from "../limits.ts";
import { BY_BYTE, BY_NAME } from "../opcodes/table.ts";
import type { OpSpec } from "../opcodes/types.ts";
import type { Item } from "../values.ts";
import type { Machine } from "./machine.ts";

const RET_GAS = 2;
const SAFE = Number.MAX_SAFE_INTEGER;
const TRUE = -1;
const FALSE = 0;

const GAS = new Int32Array(256);
const POPS = new Int32Array(256);
const PUSHES = new Int32Array(256);
for (const spec of BY_BYTE) {
  if (spec === undefined) continue;
  GAS[spec.byte] = spec.gas;
  POPS[spec.byte] = spec.pops;
  PUSHES[spec.byte] = spec.pushes;
}

// The switch below names opcodes by their byte so that V8 compiles it to a jump table; this
// check ties those literals to the table, so a renumbered opcode fails at load, not silently.
const INLINE: Record<string, number> = {
  PUSHINT: 0x01,
  PUSHBYTES: 0x02,
  PUSHNULL: 0x03,
  DROP: 0x04,
  DUP: 0x05,
  SWAP: 0x06,
  OVER: 0x07,
  PICK: 0x09,
  ADD: 0x20,
  SUB: 0x21,
  INC: 0x27,
  DEC: 0x28,
  EQ: 0x2b,
  NEQ: 0x2c,
  LT: 0x2d,
  GT: 0x2e,
  LEQ: 0x2f,
  GEQ: 0x30,
  ISZERO: 0x32,
  ADDINT: 0x33,
  JMP: 0x60,
  JMPIF: 0x61,
  JMPIFNOT: 0x62,
  CALL: 0x63,
  RET: 0x64,
  NEXT: 0x65,
};
for (const [name, byte] of Object.entries(INLINE)) {
  if (BY_NAME.get(name)?.byte !== byte) throw new Error(`execute: ${name} is not opcode ${byte}`);
}

/** Ends the run with `code`, leaving the machine as it was when the instruction started. */
function stop(m: Machine, pc: number, gas: number, steps: number, code: number): never {
  m.pc = pc;
  m.gasLeft = gas;
  m.steps = steps;
  return trap(code);
}

/** Runs `m` from its pc until it halts or traps. Leaves pc, gas and steps current in `m`. */
export function execute(m: Machine): void {
  const { ops, args, consts } = m.program;
  const n = ops.length;
  const stack: Item[] = m.stack;
  const calls = m.calls;
  const table = BY_BYTE as readonly OpSpec[];
  let pc = m.pc;
  let gas = m.gasLeft;
  let steps = m.steps;
  for (;;) {
    // The instruction past the limit never starts, so it is not counted (vm §4.7).
    if (steps === MAX_STEPS) stop(m, pc, gas, steps, EXIT.STEP_LIMIT);
    steps++;
    if (pc >= n) {
      // Running off the end of the body is an implicit RET (vm §4.1).
      gas -= RET_GAS;
      if (gas < 0) stop(m, pc, gas, steps, EXIT.OUT_OF_GAS);
      const back = calls.pop();
      if (back === undefined) break;
      pc = back;
      continue;
    }
    const op = ops[pc];
    gas -= GAS[op];
    if (gas < 0) stop(m, pc, gas, steps, EXIT.OUT_OF_GAS);
    const depth = stack.length;
    if (depth < POPS[op]) stop(m, pc, gas, steps, EXIT.STACK_UNDERFLOW);
    if (depth - POPS[op] + PUSHES[op] > MAX_STACK) stop(m, pc, gas, steps, EXIT.STACK_OVERFLOW);

    switch (op) {
      case 0x01: // PUSHINT
      case 0x02: // PUSHBYTES
        stack.push(consts[args[pc]]);
        pc++;
        continue;
      case 0x03: // PUSHNULL
        stack.push(null);
        pc++;
        continue;
      case 0x04: // DROP
        stack.pop();
        pc++;
        continue;
      case 0x05: // DUP
        stack.push(stack[depth - 1]);
        pc++;
        continue;
      case 0x06: {
        // SWAP
        const t = stack[depth - 1];
        stack[depth - 1] = stack[depth - 2];
        stack[depth - 2] = t;
        pc++;
        continue;
      }
      case 0x07: // OVER
        stack.push(stack[depth - 2]);
        pc++;
        continue;
      case 0x09: {
        // PICK
        const k = args[pc];
        if (k >= depth) break;
        stack.push(stack[depth - 1 - k]);
        pc++;
        continue;
      }
      case 0x20: {
        // ADD
        const a = stack[depth - 2];
        const b = stack[depth - 1];
        if (typeof a !== "number" || typeof b !== "number") break;
        const r = a + b;
        if (r > SAFE || r < -SAFE) break;
        stack[depth - 2] = r;
        stack.pop();
        pc++;
        continue;
      }
      case 0x21: {
        // SUB
        const a = stack[depth - 2];
        const b = stack[depth - 1];
        if (typeof a !== "number" || typeof b !== "number") break;
        const r = a - b;
        if (r > SAFE || r < -SAFE) break;
        stack[depth - 2] = r;
        stack.pop();
        pc++;
        continue;
      }
      case 0x27: {
        // INC
        const x = stack[depth - 1];
        if (typeof x !== "number" || x >= SAFE) break;
        stack[depth - 1] = x + 1;
        pc++;
        continue;
      }
      case 0x28: {
        // DEC
        const x = stack[depth - 1];
        if (typeof x !== "number" || x <= -SAFE) break;
        stack[depth - 1] = x - 1;
        pc++;
        continue;
      }
      case 0x2b: // EQ
      case 0x2c: // NEQ
      case 0x2d: // LT
      case 0x2e: // GT
      case 0x2f: // LEQ
      case 0x30: {
        // GEQ
        const a = stack[depth - 2];
        const b = stack[depth - 1];
        if (typeof a !== "number" || typeof b !== "number") break;
        let f: boolean;
        if (op === 0x2b) f = a === b;
        else if (op === 0x2c) f = a !== b;
        else if (op === 0x2d) f = a < b;
        else if (op === 0x2e) f = a > b;
        else if (op === 0x2f) f = a <= b;
        else f = a >= b;
        stack[depth - 2] = f ? TRUE : FALSE;
        stack.pop();
        pc++;
        continue;
      }
      case 0x32: {
        // ISZERO
        const x = stack[depth - 1];
        if (typeof x !== "number") break;
        stack[depth - 1] = x === 0 ? TRUE : FALSE;
        pc++;
        continue;
      }
      case 0x33: {
        // ADDINT
        const x = stack[depth - 1];
        const c = consts[args[pc]];
        if (typeof x !== "number" || typeof c !== "number") break;
        const r = x + c;
        if (r > SAFE || r < -SAFE) break;
        stack[depth - 1] = r;
        pc++;
        continue;
      }
      case 0x60: // JMP
        pc = args[pc];
        continue;
      case 0x61: // JMPIF
      case 0x62: {
        // JMPIFNOT
        const f = stack[depth - 1];
        if (typeof f !== "number") break;
        stack.pop();
        pc = (f !== 0) === (op === 0x61) ? args[pc] : pc + 1;
        continue;
      }
      case 0x63: // CALL
        if (calls.length >= MAX_CALL_DEPTH) stop(m, pc, gas, steps, EXIT.CALL_DEPTH);
        calls.push(pc + 1);
        pc = args[pc];
        continue;
      case 0x64: {
        // RET
        const back = calls.pop();
        if (back === undefined) {
          m.pc = pc + 1;
          m.gasLeft = gas;
          m.steps = steps;
          m.halted = true;
          return;
        }
        pc = back;
        continue;
      }
      case 0x65: {
        // NEXT
        const k = stack[depth - 1];
        if (typeof k !== "number") break;
        if (k > 1) {
          stack[depth - 1] = k - 1;
          pc = args[pc];
        } else {
          stack.pop();
          pc++;
        }
        continue;
      }
    }

    // Everything else, through the table, with the machine current.
    m.pc = pc + 1;
    m.gasLeft = gas;
    m.steps = steps;
    table[op].run(m, args[pc]);
    if (m.halted) return;
    pc = m.pc;
    gas = m.gasLeft;
  }
  m.pc = pc;
  m.gasLeft = gas;
  m.steps = steps;
}
