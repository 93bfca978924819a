// The records a native contract keeps in its storage (staking §1.3): codec structs stored as
// Bytes values. One VM value holds at most 64 KiB (vm §2.5), and a validator set of a thousand
// members is larger, so a longer record is split over numbered keys under its own.
import type { StorageChange, StorageReader, Value } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { decode, encode, type Schema } from "../codec/index.ts";

/** Bytes per stored piece: under the 65,533 a Bytes value may hold. */
const PIECE_BYTES = 60_000;
const encoder = new TextEncoder();

/** A storage key from its name and optional suffix bytes (staking §1.3). */
export function storageKey(name: string, ...parts: readonly Uint8Array[]): Uint8Array {
  const head = encoder.encode(name);
  let n = head.length;
  for (const p of parts) n += p.length;
  if (n > 128) throw new RangeError(`storage key ${name}: longer than 128 bytes`);
  const out = new Uint8Array(n);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A u64 as 8 big-endian bytes: keys that sort by number. */
export function u64Key(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

const pieceKey = (key: Uint8Array, i: number) => {
  const out = new Uint8Array(key.length + 3);
  out.set(key, 0);
  out[key.length + 1] = i >> 8;
  out[key.length + 2] = i & 0xff;
  return out;
};

/** A contract's storage during one run: what it read, with its own writes over it. */
export class Storage {
  readonly #base: StorageReader;
  readonly #writes = new Map<string, StorageChange>();

  constructor(base: StorageReader) {
    this.#base = base;
  }

  get(key: Uint8Array): Value | undefined {
    const w = this.#writes.get(toHex(key));
    if (w !== undefined) return w.value ?? undefined;
    return this.#base.get(key);
  }

  set(key: Uint8Array, value: Value | null): void {
    this.#writes.set(toHex(key), { key, value });
  }

  /** The writes, sorted by key bytes as a VM run returns them. */
  changes(): StorageChange[] {
    return [...this.#writes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  }

  /** The record under `key`, or null. A stored value that does not decode is our bug: it throws. */
  read<T>(key: Uint8Array, schema: Schema<T>): T | null {
    const v = this.get(key);
    if (v === undefined || v === null) return null;
    if (v instanceof Uint8Array) return decode(schema, v);
    if (typeof v !== "bigint") throw new Error(`storage ${toHex(key)}: not a record`);
    const pieces: Uint8Array[] = [];
    let n = 0;
    for (let i = 0; i < Number(v); i++) {
      const p = this.get(pieceKey(key, i));
      if (!(p instanceof Uint8Array)) throw new Error(`storage ${toHex(key)}: piece ${i} is missing`);
      pieces.push(p);
      n += p.length;
    }
    const whole = new Uint8Array(n);
    let at = 0;
    for (const p of pieces) {
      whole.set(p, at);
      at += p.length;
    }
    return decode(schema, whole);
  }

  /** Writes the record under `key` (null deletes it), with the pieces a long one needs. */
  write<T>(key: Uint8Array, schema: Schema<T>, value: T | null): void {
    const old = this.get(key);
    const oldPieces = typeof old === "bigint" ? Number(old) : 0;
    let pieces = 0;
    if (value === null) this.set(key, null);
    else {
      const bytes = encode(schema, value).slice();
      if (bytes.length <= PIECE_BYTES) this.set(key, bytes);
      else {
        pieces = Math.ceil(bytes.length / PIECE_BYTES);
        this.set(key, BigInt(pieces));
        for (let i = 0; i < pieces; i++)
          this.set(pieceKey(key, i), bytes.slice(i * PIECE_BYTES, (i + 1) * PIECE_BYTES));
      }
    }
    for (let i = pieces; i < oldPieces; i++) this.set(pieceKey(key, i), null);
  }
}
