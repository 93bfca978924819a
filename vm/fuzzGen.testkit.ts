// Seeded inputs for the VM's fuzz tests (vm/fuzz.test.ts): programs, images, values, storage and
// contexts. Everything a case uses is rebuilt from its kind and seed alone, so a failure printed
// with its seed can be replayed exactly, and a second build gives fresh, equal inputs.
import { toHex } from "./hex.ts";
import type { RunContext, StorageReader } from "./host.ts";
import { assemble, OPCODES, RECV_EXTERNAL, RECV_INTERNAL, type RunOptions } from "./index.ts";
import { INT_MAX, INT_MIN } from "./limits.ts";
import { FAMILIES } from "./opcodes/table.ts";
import type { OpSpec } from "./opcodes/types.ts";
import { decodeParts, encodeInt, encodeProgram } from "./program.ts";
import { testHost } from "./testing.ts";
import type { Value } from "./values.ts";

/** splitmix32: tiny, seeded, integer-only, enough to pick inputs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** 0..n−1 (n ≤ 2^32). */
  below(n: number): number {
    return this.u32() % n;
  }
  /** True `pct` times in a hundred. */
  chance(pct: number): boolean {
    return this.below(100) < pct;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.below(a.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.below(256);
    return out;
  }
  /** A uniform non-negative bigint of at most `bits` bits. */
  bits(bits: number): bigint {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(bits)) - 1n);
  }
}

const P53 = 2n ** 53n;
/** Ints where representations and ranges change: the 257-bit edges and the safe-integer edge. */
export const EDGE_INTS: readonly bigint[] = [
  0n,
  1n,
  -1n,
  2n,
  255n,
  256n,
  INT_MAX,
  INT_MAX - 1n,
  INT_MIN,
  INT_MIN + 1n,
  2n ** 255n,
  -(2n ** 255n),
  P53 - 1n,
  P53,
  P53 + 1n,
  -(P53 - 1n),
  -P53,
  -(P53 + 1n),
  2n ** 128n,
  2n ** 120n - 1n,
];

export function randomInt(r: Rng): bigint {
  const k = r.below(10);
  if (k < 4) return r.pick(EDGE_INTS);
  if (k < 7) return BigInt(r.below(20)) - 4n;
  const v = r.bits(1 + r.below(256));
  return r.chance(50) ? v : -v - 1n;
}

/** Storage keys a program and a storage reader both use, so loads sometimes hit. */
const KEYS: readonly Uint8Array[] = [0, 1, 2, 3, 7].map((b) => Uint8Array.of(b));

export function randomBytes(r: Rng): Uint8Array {
  const k = r.below(10);
  if (k < 3) return r.pick(KEYS);
  if (k === 3) return r.bytes(36);
  if (k === 4) return r.bytes(r.pick([32, 64]));
  if (k === 5) return r.bytes(r.below(200));
  return r.bytes(r.below(12));
}

export function randomValue(r: Rng, depth = 0): Value {
  const k = r.below(depth > 2 ? 3 : 4);
  if (k === 0) return randomInt(r);
  if (k === 1) return randomBytes(r);
  if (k === 2) return null;
  return Array.from({ length: r.below(6) }, () => randomValue(r, depth + 1));
}

function randomStorage(r: Rng): { reader: StorageReader; entries: number } {
  if (r.chance(30)) return { reader: { get: () => undefined }, entries: 0 };
  const m = new Map<string, Value>();
  for (const k of KEYS) if (r.chance(50)) m.set(toHex(k), randomValue(r));
  return { reader: { get: (k) => m.get(toHex(k)) }, entries: m.size };
}

function randomContext(r: Rng, sender: boolean): Partial<RunContext> {
  const config = new Map<bigint, Value>();
  for (let i = 0; i < 3; i++) config.set(BigInt(r.below(5)), randomValue(r));
  return {
    address: r.bytes(36),
    balance: r.bits(r.below(129)) % 2n ** 128n,
    msgValue: sender ? r.bits(r.below(100)) : 0n,
    sender: sender && r.chance(90) ? r.bytes(36) : null,
    now: r.bits(32),
    lt: r.bits(r.below(64)),
    seed: r.bytes(32),
    config: (id) => config.get(id) ?? null,
  };
}

const ENTRY_NAMES = [RECV_EXTERNAL, RECV_INTERNAL, "get_a", "seqno"] as const;
const named = (...names: string[]) => OPCODES.filter((o) => names.includes(o.name));
const FEED_INT = named("PUSHINT", "DUP", "OVER", "DEPTH");
const FEED_BYTES = named("PUSHBYTES", "PUSHINT", "MYADDR", "SEED", "DUP");
/**
 * Most programs lean on one family and the ops that feed it operands of its type, so that they
 * get past TYPE and STACK_UNDERFLOW to the family's own checks; the rest draw from every op.
 */
const FLAVOURS: readonly { ops: readonly OpSpec[]; feed: readonly OpSpec[] }[] = FAMILIES.map((f) => ({
  ops: f.ops,
  feed: ["bytes", "crypto", "storage", "actions"].includes(f.name)
    ? FEED_BYTES
    : f.name === "tuples"
      ? named("TUPLE", "PUSHINT", "PUSHNULL", "DUP", "PUSHBYTES")
      : FEED_INT,
}));

function pickOp(r: Rng, flavour: (typeof FLAVOURS)[number] | null): OpSpec {
  const k = r.below(100);
  if (flavour !== null && k < 35) return r.pick(flavour.ops);
  if (flavour !== null && k < 65) return r.pick(flavour.feed);
  return r.chance(30) ? r.pick(FEED_INT) : r.pick(OPCODES);
}

function immediate(r: Rng, op: OpSpec, n: number): number[] | { target: number } {
  switch (op.imm) {
    case "none":
      return [];
    case "u8":
      return [r.chance(70) ? r.below(5) : r.chance(70) ? r.below(20) : r.below(256)];
    case "u16": {
      const v = r.below(65536);
      return [v >> 8, v & 0xff];
    }
    case "exit": {
      const v = 32 + r.below(65536 - 32);
      return [v >> 8, v & 0xff];
    }
    case "target":
      return { target: r.below(n + 1) };
    case "int": {
      const b = encodeInt(randomInt(r));
      return [b.length, ...b];
    }
    case "bytes": {
      const b = randomBytes(r);
      return [b.length >> 8, b.length & 0xff, ...b];
    }
  }
}

/** A loadable image: valid opcodes and immediates, targets and entries at instruction starts. */
export function randomOpsImage(r: Rng): Uint8Array {
  const n = 1 + r.below(r.chance(20) ? 200 : 40);
  const flavour = r.chance(60) ? r.pick(FLAVOURS) : null;
  const ins = Array.from({ length: n }, () => {
    const op = pickOp(r, flavour);
    return { op, imm: immediate(r, op, n) };
  });
  const starts: number[] = [];
  let at = 0;
  for (const x of ins) {
    starts.push(at);
    at += 1 + (Array.isArray(x.imm) ? x.imm.length : 2);
  }
  starts.push(at);
  const body: number[] = [];
  for (const x of ins) {
    body.push(x.op.byte);
    if (Array.isArray(x.imm)) body.push(...x.imm);
    else body.push(starts[x.imm.target] >> 8, starts[x.imm.target] & 0xff);
  }
  const names = ENTRY_NAMES.filter(() => r.chance(45));
  const entries = names.map((name) => ({ name, offset: starts[r.chance(60) ? 0 : r.below(n + 1)] }));
  return encodeProgram({ entries, body: Uint8Array.from(body) });
}

const OP_BYTES = OPCODES.map((o) => o.byte);

/** A valid header, then bytes that are mostly opcodes but carry random immediates. */
export function randomBytesImage(r: Rng): Uint8Array {
  const len = r.below(r.chance(10) ? 400 : 60);
  const pure = r.chance(50);
  const body = Uint8Array.from({ length: len }, () =>
    pure || r.chance(30) ? r.below(256) : r.pick(OP_BYTES),
  );
  const names = ENTRY_NAMES.filter(() => r.chance(50));
  const entries = names.map((name) => ({ name, offset: r.chance(50) ? 0 : r.below(len + 1) }));
  return encodeProgram({ entries, body });
}

/** Small contracts written as a person would, to mutate into near-valid images. */
const SNIPPETS: readonly string[] = [
  // A counter with a getter.
  `.entry recv_internal
  PUSH x"01"
  SLOAD
  DUP
  ISNULL
  JMPIFNOT have
  DROP
  PUSH 0
have:
  INC
  PUSH x"01"
  SSTORE
.entry seqno
  PUSH x"01"
  SLOAD`,
  // A wallet: signature over the body, seqno check, then ACCEPT and a send.
  `.const body 7
.entry recv_external
  DUP
  PUSH 64
  PUSH 32
  BSLICE
  OVER
  PUSH 0
  PUSH 64
  BSLICE
  PUSH x"${"ab".repeat(32)}"
  EDVERIFY
  THROWIFNOT 33
  PUSH x"00"
  SLOAD
  ISNULL
  THROWIF 34
  ACCEPT
  MYADDR
  PUSH 1000
  PUSH body
  PUSH 3
  SEND`,
  // Recursion, loops and tuples.
  `.entry recv_internal
  PUSH 10
  CALL fact
  PUSH 0
  PUSH 5
loop:
  SWAP
  INC
  SWAP
  NEXT loop
  TUPLE 2
  DUP
  UNPACK
  DROPN 3
  PUSH 9
  TPUSH
  TLEN
  RET
.func fact
  DUP
  PUSH 1
  LEQ
  JMPIF base
  DUP
  DEC
  CALL fact
  MUL
  RET
base:
  DROP
  PUSH 1`,
  // Bytes, hashing, events and context.
  `.entry recv_internal
  PUSH "hello"
  DUP
  BCAT
  DUP
  SHA256
  EMIT
  HASH
  PUSH 0
  PUSH 8
  BSLICE
  BTOI
  PUSH 32
  ITOB
  BLEN
  NOW
  LTIME
  BALANCE
  MSGVALUE
  SENDER
  SEED
  PUSH 1
  CONFIG
  DEPTH
  TUPLE 8
  PUSH 1
  PUSH 0
  RESERVE
  PUSH x"4756"
  SETCODE
.entry get_a
  PUSH 7
  PUSH 100
  SHL
  PUSH -3
  SHR
  DUMP`,
];

let assembled: Uint8Array[] | undefined;

function snippetImage(r: Rng): Uint8Array {
  assembled ??= SNIPPETS.map((s) => assemble(s));
  return assembled[r.below(assembled.length)];
}

/** 1..4 byte-level edits: flips, overwrites, insertions, deletions, truncation, duplication. */
export function mutate(r: Rng, img: Uint8Array): Uint8Array {
  let b = Array.from(img);
  for (let k = 1 + r.below(4); k > 0; k--) {
    const i = r.below(b.length + 1);
    switch (r.below(6)) {
      case 0:
        if (i < b.length) b[i] ^= 1 << r.below(8);
        break;
      case 1:
        if (i < b.length) b[i] = r.chance(50) ? r.pick(OP_BYTES) : r.below(256);
        break;
      case 2:
        b.splice(i, 0, ...r.bytes(1 + r.below(3)));
        break;
      case 3:
        b.splice(i, 1 + r.below(3));
        break;
      case 4:
        b = b.slice(0, i);
        break;
      default:
        b.splice(i, 0, ...b.slice(i, i + 1 + r.below(8)));
    }
  }
  return Uint8Array.from(b);
}

/** Half the time only the body is edited and its length kept right, so the loader looks deeper. */
function mutant(r: Rng, img: Uint8Array): Uint8Array {
  if (r.chance(50)) return mutate(r, img);
  const { entries, body } = decodeParts(img);
  return encodeProgram({ entries, body: mutate(r, body) });
}

export type CaseKind = "ops" | "bytes" | "mutant";

export interface FuzzCase {
  kind: CaseKind;
  seed: number;
  image: Uint8Array;
  opts: RunOptions & { stack: readonly Value[]; gasCredit?: bigint };
  storageEntries: number;
}

function imageNames(img: Uint8Array): string[] {
  // Entry names are read back from the header loosely: a wrong guess only makes a NO_ENTRY run.
  const out: string[] = [];
  let p = 4;
  for (let i = 0; i < (img[3] ?? 0) && p < img.length; i++) {
    const len = img[p];
    out.push(String.fromCharCode(...img.subarray(p + 1, p + 1 + len)));
    p += len + 3;
  }
  return out;
}

/** The whole input of one run, built from `kind` and `seed` alone. */
export function makeCase(kind: CaseKind, seed: number): FuzzCase {
  const r = new Rng(seed);
  const image =
    kind === "ops"
      ? randomOpsImage(r)
      : kind === "bytes"
        ? randomBytesImage(r)
        : mutant(r, r.chance(50) ? snippetImage(r) : randomOpsImage(r));
  const names = imageNames(image);
  const entry = names.length > 0 && r.chance(90) ? r.pick(names) : r.pick([...ENTRY_NAMES, "nope"]);
  const stack = Array.from({ length: r.below(r.chance(10) ? 40 : 6) }, () => randomValue(r));
  const storage = randomStorage(r);
  const g = r.below(10);
  const gasLimit = g === 0 ? BigInt(r.below(60)) : g < 5 ? 20_000n : BigInt(1 + r.below(30_000));
  const opts: FuzzCase["opts"] = {
    code: image,
    entry,
    stack,
    host: testHost,
    storage: storage.reader,
    context: randomContext(r, entry === RECV_INTERNAL),
    gasLimit,
  };
  if (r.chance(50)) opts.gasCredit = BigInt(r.below(20_000));
  return { kind, seed, image, opts, storageEntries: storage.entries };
}
