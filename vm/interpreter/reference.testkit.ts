// The plain dispatch loop: every instruction through the opcode table, machine state on the
// machine. It is the reference the inline fast paths of execute.ts are held to.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { MAX_STACK, MAX_STEPS } from "../limits.ts";
import { BY_BYTE } from "../opcodes/table.ts";
import type { OpSpec } from "../opcodes/types.ts";
import type { Machine } from "./machine.ts";

export function referenceLoop(m: Machine): void {
  const { ops, args } = m.program;
  while (!m.halted) {
    if (m.steps === MAX_STEPS) trap(EXIT.STEP_LIMIT);
    m.steps++;
    if (m.pc >= ops.length) {
      m.charge(2);
      const back = m.calls.pop();
      if (back === undefined) return;
      m.pc = back;
      continue;
    }
    const spec = BY_BYTE[ops[m.pc]] as OpSpec;
    const arg = args[m.pc];
    m.pc++;
    m.charge(spec.gas);
    if (m.stack.length < spec.pops) trap(EXIT.STACK_UNDERFLOW);
    if (m.stack.length - spec.pops + spec.pushes > MAX_STACK) trap(EXIT.STACK_OVERFLOW);
    spec.run(m, arg);
  }
}
