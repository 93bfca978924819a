// Program images (vm §3): the header with named entries, then the instruction stream. Loading
// checks the whole image once — every opcode known, every immediate well-formed, every jump and
// entry on an instruction start — so the interpreter never meets malformed code.
import { VmCodeError } from "./errors.ts";
import { MAX_USER_EXIT, MIN_USER_EXIT } from "./exitCodes.ts";
import { INT_MAX, INT_MIN, MAX_CODE_BYTES, MAX_ENTRIES, MAX_VALUE_SIZE } from "./limits.ts";
import { BY_BYTE } from "./opcodes/table.ts";
import type { Program } from "./programTypes.ts";
import { type Item, norm } from "./values.ts";

/** "GV" and format version 1 (vm §3.1). */
export const MAGIC = [0x47, 0x56, 0x01] as const;
export const ENTRY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface ProgramParts {
  /** Entry points and get-methods with the body offset of their first instruction. */
  entries: readonly { name: string; offset: number }[];
  body: Uint8Array;
}

/** The image of a program; entries are sorted by name here. Misuse throws TypeError/RangeError. */
export function encodeProgram(parts: ProgramParts): Uint8Array {
  const entries = [...parts.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > MAX_ENTRIES) throw new RangeError(`entries: more than ${MAX_ENTRIES}`);
  if (parts.body.length > MAX_CODE_BYTES) throw new RangeError(`body: longer than ${MAX_CODE_BYTES} bytes`);
  const out: number[] = [...MAGIC, entries.length];
  let prev = "";
  for (const e of entries) {
    if (!ENTRY_NAME.test(e.name)) throw new RangeError(`entries: bad name ${JSON.stringify(e.name)}`);
    if (e.name === prev) throw new RangeError(`entries: ${e.name} twice`);
    prev = e.name;
    out.push(e.name.length);
    for (let i = 0; i < e.name.length; i++) out.push(e.name.charCodeAt(i));
    out.push(e.offset >> 8, e.offset & 0xff);
  }
  out.push(parts.body.length >> 8, parts.body.length & 0xff);
  const img = new Uint8Array(out.length + parts.body.length);
  img.set(out, 0);
  img.set(parts.body, out.length);
  return img;
}

/** Splits an image into header and body, checking the header (vm §3.1). */
export function decodeParts(img: Uint8Array): ProgramParts & { bodyStart: number } {
  if (!(img instanceof Uint8Array)) throw new TypeError("code: expected a Uint8Array");
  let p = 0;
  const need = (n: number) => {
    if (p + n > img.length) throw new VmCodeError("CODE_TRUNCATED", "image ends inside its header", p);
  };
  need(4);
  if (img[0] !== MAGIC[0] || img[1] !== MAGIC[1] || img[2] !== MAGIC[2])
    throw new VmCodeError("CODE_BAD_HEADER", "not a Gram VM image (magic 47 56 01)", 0);
  const count = img[3];
  p = 4;
  const entries: { name: string; offset: number }[] = [];
  let prev = "";
  for (let i = 0; i < count; i++) {
    need(1);
    const len = img[p++];
    need(len + 2);
    let name = "";
    for (let j = 0; j < len; j++) name += String.fromCharCode(img[p + j]);
    if (!ENTRY_NAME.test(name) || (i > 0 && name <= prev))
      throw new VmCodeError(
        "CODE_BAD_ENTRY",
        `entry name ${JSON.stringify(name)} is malformed or out of order`,
        p,
      );
    prev = name;
    p += len;
    entries.push({ name, offset: (img[p] << 8) | img[p + 1] });
    p += 2;
  }
  need(2);
  const bodyLen = (img[p] << 8) | img[p + 1];
  p += 2;
  if (p + bodyLen > img.length)
    throw new VmCodeError("CODE_TRUNCATED", "image ends inside its body", img.length);
  if (p + bodyLen < img.length) throw new VmCodeError("CODE_TRAILING", "bytes after the body", p + bodyLen);
  return { entries, body: img.subarray(p, p + bodyLen), bodyStart: p };
}

/** Decodes and checks a whole image (vm §3). Throws VmCodeError on anything malformed. */
export function loadProgram(img: Uint8Array): Program {
  const { entries, body, bodyStart } = decodeParts(img);
  const ops: number[] = [];
  const args: number[] = [];
  const offsets: number[] = [];
  const consts: Item[] = [];
  const targets: { at: number; ins: number; off: number }[] = [];
  let p = 0;
  const fail = (code: "CODE_TRUNCATED" | "CODE_BAD_IMMEDIATE", msg: string): never => {
    throw new VmCodeError(code, msg, bodyStart + p);
  };
  while (p < body.length) {
    const start = p;
    const spec = BY_BYTE[body[p]];
    if (spec === undefined)
      throw new VmCodeError("CODE_BAD_OPCODE", `unknown opcode 0x${body[p].toString(16)}`, bodyStart + p);
    p++;
    let arg = 0;
    const take = (n: number) => {
      if (p + n > body.length) fail("CODE_TRUNCATED", `${spec.name}: immediate cut off`);
      const at = p;
      p += n;
      return at;
    };
    switch (spec.imm) {
      case "none":
        break;
      case "u8":
        arg = body[take(1)];
        break;
      case "u16":
      case "exit":
      case "target": {
        const at = take(2);
        arg = (body[at] << 8) | body[at + 1];
        if (spec.imm === "exit" && (arg < MIN_USER_EXIT || arg > MAX_USER_EXIT))
          fail("CODE_BAD_IMMEDIATE", `${spec.name}: exit code ${arg} is below ${MIN_USER_EXIT}`);
        if (spec.imm === "target") targets.push({ at: at + bodyStart, ins: ops.length, off: arg });
        break;
      }
      case "int": {
        const n = body[take(1)];
        if (n < 1 || n > 33) fail("CODE_BAD_IMMEDIATE", `${spec.name}: Int length ${n} is not 1..33`);
        const at = take(n);
        const v = decodeInt(body.subarray(at, at + n));
        if (v > INT_MAX || v < INT_MIN || minimalIntLength(v) !== n)
          fail("CODE_BAD_IMMEDIATE", `${spec.name}: Int immediate not minimal or outside 257 bits`);
        arg = consts.length;
        consts.push(norm(v));
        break;
      }
      case "bytes": {
        const lenAt = take(2);
        const n = (body[lenAt] << 8) | body[lenAt + 1];
        if (n + 3 > MAX_VALUE_SIZE) fail("CODE_BAD_IMMEDIATE", `${spec.name}: Bytes too long`);
        const at = take(n);
        arg = consts.length;
        consts.push(body.slice(at, at + n));
        break;
      }
    }
    ops.push(spec.byte);
    args.push(arg);
    offsets.push(start);
  }
  offsets.push(body.length);
  const indexOf = new Map<number, number>();
  // The end of the body is a valid target too: running there is the implicit RET (vm §3.4).
  for (let i = 0; i <= ops.length; i++) indexOf.set(offsets[i], i);
  const argArr = Int32Array.from(args);
  for (const t of targets) {
    const i = indexOf.get(t.off);
    if (i === undefined)
      throw new VmCodeError("CODE_BAD_TARGET", `jump to ${t.off}, not an instruction start`, t.at);
    argArr[t.ins] = i;
  }
  const entryMap = new Map<string, number>();
  for (const e of entries) {
    const i = indexOf.get(e.offset);
    if (i === undefined)
      throw new VmCodeError("CODE_BAD_ENTRY", `entry ${e.name} at ${e.offset}, not an instruction start`, 4);
    entryMap.set(e.name, i);
  }
  return {
    image: img,
    ops: Uint8Array.from(ops),
    args: argArr,
    offsets: Uint32Array.from(offsets),
    consts,
    entries: entryMap,
    entryNames: entries.map((e) => e.name),
  };
}

/** Two's-complement big-endian bytes as an Int. */
export function decodeInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  if (b[0] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** The fewest two's-complement bytes that hold v. */
export function minimalIntLength(v: bigint): number {
  let n = 1;
  while (v < -(1n << BigInt(8 * n - 1)) || v >= 1n << BigInt(8 * n - 1)) n++;
  return n;
}

/** v in exactly minimalIntLength(v) two's-complement big-endian bytes. */
export function encodeInt(v: bigint): Uint8Array {
  const n = minimalIntLength(v);
  const out = new Uint8Array(n);
  let x = v < 0n ? v + (1n << BigInt(8 * n)) : v;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
