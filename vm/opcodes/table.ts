// The opcode table (vm §4): every family's rows, indexed by byte and by name. Built once at
// load; a duplicate byte or name is our bug and throws.
import { actionsOps } from "./actions.ts";
import { arithmeticOps } from "./arithmetic.ts";
import { bitsOps } from "./bits.ts";
import { bytesOps } from "./bytes.ts";
import { contextOps } from "./context.ts";
import { controlOps } from "./control.ts";
import { cryptoOps } from "./crypto.ts";
import { stackOps } from "./stack.ts";
import { storageOps } from "./storage.ts";
import { tuplesOps } from "./tuples.ts";
import type { OpSpec } from "./types.ts";

export const FAMILIES: readonly { name: string; ops: readonly OpSpec[] }[] = [
  { name: "stack", ops: stackOps },
  { name: "arithmetic", ops: arithmeticOps },
  { name: "bits", ops: bitsOps },
  { name: "bytes", ops: bytesOps },
  { name: "tuples", ops: tuplesOps },
  { name: "control", ops: controlOps },
  { name: "crypto", ops: cryptoOps },
  { name: "storage", ops: storageOps },
  { name: "context", ops: contextOps },
  { name: "actions", ops: actionsOps },
];

/** All opcodes, in byte order. */
export const OPCODES: readonly OpSpec[] = FAMILIES.flatMap((f) => f.ops).sort((a, b) => a.byte - b.byte);

/** Row by opcode byte; undefined for a byte that is no opcode. */
export const BY_BYTE: readonly (OpSpec | undefined)[] = (() => {
  const t: (OpSpec | undefined)[] = new Array(256).fill(undefined);
  for (const o of OPCODES) {
    if (t[o.byte] !== undefined) throw new Error(`opcode byte 0x${o.byte.toString(16)} used twice`);
    t[o.byte] = o;
  }
  return t;
})();

export const BY_NAME: ReadonlyMap<string, OpSpec> = (() => {
  const t = new Map<string, OpSpec>();
  for (const o of OPCODES) {
    if (t.has(o.name)) throw new Error(`opcode name ${o.name} used twice`);
    t.set(o.name, o);
  }
  return t;
})();
