// node/bytes: the byte-array helpers every module needs (comparison, order, hex), kept in one
// place so that order and equality mean the same thing everywhere.

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte-wise order, a proper prefix first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Lower-case hex, without copying the bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** The bytes of an even-length hex string, or null when it is not one. */
export function fromHex(text: string): Uint8Array | null {
  if (typeof text !== "string" || !HEX.test(text)) return null;
  return new Uint8Array(Buffer.from(text, "hex"));
}
