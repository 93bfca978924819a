// The disassembler (vm §8): a checked image back to assembly that assembles to the same bytes.
// Jump targets become labels L<offset>; entries become `.entry` lines.
import { toHex } from "../hex.ts";
import { BY_BYTE } from "../opcodes/table.ts";
import type { OpSpec } from "../opcodes/types.ts";
import { loadProgram } from "../program.ts";
import type { Program } from "../programTypes.ts";
import type { Int } from "../values.ts";

/** Assembly text for an image. Throws VmCodeError when the image is malformed. */
export function disassemble(image: Uint8Array | Program): string {
  const p = image instanceof Uint8Array ? loadProgram(image) : image;
  const n = p.ops.length;
  const targets = new Set<number>();
  for (let i = 0; i < n; i++) if ((BY_BYTE[p.ops[i]] as OpSpec).imm === "target") targets.add(p.args[i]);
  const entriesAt = new Map<number, string[]>();
  for (const name of p.entryNames) {
    const i = p.entries.get(name) as number;
    entriesAt.set(i, [...(entriesAt.get(i) ?? []), name]);
  }
  const out: string[] = [];
  for (let i = 0; i <= n; i++) {
    for (const name of entriesAt.get(i) ?? []) out.push(`.entry ${name}`);
    if (targets.has(i)) out.push(`L${p.offsets[i]}:`);
    if (i === n) break;
    const spec = BY_BYTE[p.ops[i]] as OpSpec;
    const a = p.args[i];
    let operand = "";
    switch (spec.imm) {
      case "none":
        break;
      case "target":
        operand = ` L${p.offsets[a]}`;
        break;
      case "int":
        operand = ` ${(p.consts[a] as Int).toString()}`;
        break;
      case "bytes":
        operand = ` x"${toHex(p.consts[a] as Uint8Array)}"`;
        break;
      default:
        operand = ` ${a}`;
    }
    out.push(`  ${spec.name}${operand}`);
  }
  return `${out.join("\n")}\n`;
}
