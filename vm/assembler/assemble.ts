// The text assembler (vm §8): labels, functions, entries, constants and comments to a program
// image. Two passes: lay out every instruction (all sizes are known from the text), then emit.
import { AsmError } from "../errors.ts";
import { MAX_USER_EXIT, MIN_USER_EXIT } from "../exitCodes.ts";
import { fromHex } from "../hex.ts";
import { INT_MAX, INT_MIN, MAX_CODE_BYTES, MAX_VALUE_SIZE } from "../limits.ts";
import { BY_NAME } from "../opcodes/table.ts";
import type { OpSpec } from "../opcodes/types.ts";
import { ENTRY_NAME, encodeInt, encodeProgram } from "../program.ts";

type Literal = bigint | Uint8Array;

interface Ins {
  line: number;
  spec: OpSpec;
  operand: string | null;
  offset: number;
  size: number;
  value: Literal | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Splits off a `;` comment that is not inside a string literal. */
function stripComment(text: string): string {
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inStr = !inStr;
    else if (c === "\\" && inStr) i++;
    else if (c === ";" && !inStr) return text.slice(0, i);
  }
  return text;
}

/** An Int or Bytes literal: 12, -3, 0xff, x"00ff", "text"; null when `s` is not a literal. */
function parseLiteral(s: string, line: number): Literal | null {
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  if (/^-?0x[0-9a-fA-F]+$/.test(s)) return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s);
  if (s.startsWith('x"')) {
    if (!s.endsWith('"') || s.length < 3) throw new AsmError("ASM_BAD_OPERAND", line, `unterminated ${s}`);
    const b = fromHex(s.slice(2, -1));
    if (b === null) throw new AsmError("ASM_BAD_OPERAND", line, `bad hex in ${s}`);
    return b;
  }
  if (s.startsWith('"')) {
    let str: unknown;
    try {
      str = JSON.parse(s);
    } catch {
      throw new AsmError("ASM_BAD_OPERAND", line, `bad string literal ${s}`);
    }
    if (typeof str !== "string") throw new AsmError("ASM_BAD_OPERAND", line, `bad string literal ${s}`);
    return new TextEncoder().encode(str);
  }
  return null;
}

/** Assembles program text into an image (vm §3). Throws AsmError naming the line. */
export function assemble(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError("text: expected a string");
  const lines = text.split("\n");
  const consts = new Map<string, Literal>();
  const labels = new Map<string, number>();
  const entries: { name: string; line: number; offset: number }[] = [];
  const ins: Ins[] = [];
  let offset = 0;

  const resolve = (s: string, line: number): Literal => {
    const lit = parseLiteral(s, line);
    if (lit !== null) return lit;
    const c = consts.get(s);
    if (c === undefined) throw new AsmError("ASM_UNKNOWN_NAME", line, `unknown constant ${s}`);
    return c;
  };
  const define = (name: string, line: number, at: number) => {
    if (!NAME.test(name)) throw new AsmError("ASM_SYNTAX", line, `bad label name ${JSON.stringify(name)}`);
    if (labels.has(name) || consts.has(name))
      throw new AsmError("ASM_DUPLICATE", line, `${name} defined twice`);
    labels.set(name, at);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let rest = stripComment(lines[i]).trim();
    const label = /^([A-Za-z_][A-Za-z0-9_.]*):\s*(.*)$/.exec(rest);
    if (label !== null) {
      define(label[1], line, offset);
      rest = label[2];
    }
    if (rest === "") continue;
    const m = /^(\S+)(?:\s+(.*))?$/.exec(rest);
    if (m === null) throw new AsmError("ASM_SYNTAX", line, `cannot read ${JSON.stringify(rest)}`);
    const word = m[1];
    const arg = m[2]?.trim() ?? null;
    if (word === ".const") {
      const c = arg === null ? null : /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(arg);
      if (c === null) throw new AsmError("ASM_SYNTAX", line, ".const needs a name and a value");
      if (consts.has(c[1]) || labels.has(c[1]))
        throw new AsmError("ASM_DUPLICATE", line, `${c[1]} defined twice`);
      consts.set(c[1], resolve(c[2].trim(), line));
      continue;
    }
    if (word === ".entry" || word === ".func") {
      if (arg === null || !ENTRY_NAME.test(arg))
        throw new AsmError("ASM_SYNTAX", line, `${word} needs a name like recv_internal`);
      define(arg, line, offset);
      if (word === ".entry") entries.push({ name: arg, line, offset });
      continue;
    }
    if (word.startsWith(".")) throw new AsmError("ASM_SYNTAX", line, `unknown directive ${word}`);
    let name = word.toUpperCase();
    let value: Literal | null = null;
    if (name === "PUSH") {
      if (arg === null) throw new AsmError("ASM_BAD_OPERAND", line, "PUSH needs an Int or Bytes operand");
      value = resolve(arg, line);
      name = typeof value === "bigint" ? "PUSHINT" : "PUSHBYTES";
    }
    const spec = BY_NAME.get(name);
    if (spec === undefined) throw new AsmError("ASM_UNKNOWN_OP", line, `unknown instruction ${word}`);
    if (spec.imm === "none" && arg !== null)
      throw new AsmError("ASM_BAD_OPERAND", line, `${name} takes no operand, got ${arg}`);
    if (spec.imm !== "none" && arg === null)
      throw new AsmError("ASM_BAD_OPERAND", line, `${name} needs an operand`);
    if (spec.imm !== "target" && spec.imm !== "none" && value === null) value = resolve(arg as string, line);
    const size = 1 + immSize(spec, value, line);
    ins.push({ line, spec, operand: arg, offset, size, value });
    offset += size;
    if (offset > MAX_CODE_BYTES)
      throw new AsmError("ASM_TOO_LARGE", line, `code passes ${MAX_CODE_BYTES} bytes`);
  }

  const body = new Uint8Array(offset);
  for (const x of ins) {
    let p = x.offset;
    body[p++] = x.spec.byte;
    const put16 = (v: number) => {
      body[p++] = v >> 8;
      body[p++] = v & 0xff;
    };
    switch (x.spec.imm) {
      case "none":
        break;
      case "target": {
        const t = labels.get(x.operand as string);
        if (t === undefined) throw new AsmError("ASM_UNKNOWN_NAME", x.line, `unknown label ${x.operand}`);
        put16(t);
        break;
      }
      case "u8":
        body[p++] = Number(x.value);
        break;
      case "u16":
      case "exit":
        put16(Number(x.value));
        break;
      case "int": {
        const b = encodeInt(x.value as bigint);
        body[p++] = b.length;
        body.set(b, p);
        break;
      }
      case "bytes": {
        const b = x.value as Uint8Array;
        put16(b.length);
        body.set(b, p);
        break;
      }
    }
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new AsmError("ASM_DUPLICATE", e.line, `entry ${e.name} twice`);
    seen.add(e.name);
  }
  return encodeProgram({ entries, body });
}

function immSize(spec: OpSpec, value: Literal | null, line: number): number {
  const bad = (what: string): never => {
    throw new AsmError("ASM_BAD_OPERAND", line, `${spec.name} needs ${what}`);
  };
  switch (spec.imm) {
    case "none":
      return 0;
    case "target":
      return 2;
    case "u8":
      if (typeof value !== "bigint" || value < 0n || value > 255n) bad("an Int in 0..255");
      return 1;
    case "u16":
      if (typeof value !== "bigint" || value < 0n || value > 65535n) bad("an Int in 0..65535");
      return 2;
    case "exit":
      if (typeof value !== "bigint" || value < BigInt(MIN_USER_EXIT) || value > BigInt(MAX_USER_EXIT))
        bad(`an exit code in ${MIN_USER_EXIT}..${MAX_USER_EXIT}`);
      return 2;
    case "int":
      if (typeof value !== "bigint" || value < INT_MIN || value > INT_MAX) bad("an Int of 257 bits");
      return 1 + encodeInt(value as bigint).length;
    case "bytes":
      if (!(value instanceof Uint8Array) || value.length + 3 > MAX_VALUE_SIZE) bad("Bytes");
      return 2 + (value as Uint8Array).length;
  }
}
