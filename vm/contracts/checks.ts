// Argument checks for the contract helpers: misuse is a TypeError or RangeError naming the
// argument (STYLE "errors"), raised before a body the contract would refuse is ever built.

export function assertBytes(v: unknown, length: number, what: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${what}: expected a Uint8Array`);
  if (v.length !== length) throw new RangeError(`${what}: expected ${length} bytes, got ${v.length}`);
}

/** An unsigned Int of at most `bits` bits. */
export function assertUint(v: unknown, bits: number, what: string): asserts v is bigint {
  if (typeof v !== "bigint") throw new TypeError(`${what}: expected a bigint, got ${typeof v}`);
  if (v < 0n || v >= 1n << BigInt(bits)) throw new RangeError(`${what}: ${v} is outside 0..2^${bits}-1`);
}
