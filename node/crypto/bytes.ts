// Argument checks for the public functions of node/crypto, and the one place that turns the
// Buffers node:crypto returns into plain Uint8Arrays (Gram's APIs never hand out a Buffer).

/** Throws a TypeError naming `name` unless `value` is a Uint8Array (a Buffer is one too). */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
}

/** Throws a RangeError naming `name` unless `value` holds exactly `length` bytes. */
export function assertLength(value: Uint8Array, length: number, name: string): void {
  if (value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/**
 * A plain Uint8Array over the bytes of a Buffer from node:crypto. Digests and signatures come in
 * buffers of their own, which we view without copying; a slice of a shared pool is copied, so the
 * result's `.buffer` never exposes other data.
 */
export function fromNodeBuffer(buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) {
    return new Uint8Array(buf.buffer, 0, buf.length);
  }
  return new Uint8Array(buf);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
