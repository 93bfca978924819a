// The checks of Gram's ed25519 verification rule (specs/crypto.md §3) that run in our own code,
// before either library is asked: signature and key lengths, S < L, canonical encodings of A and
// R, and neither of them of small order. Only byte comparisons, so they cost next to nothing and
// answer the same on every machine, whatever OpenSSL or noble version sits underneath.

/** Why a signature is refused, as listed in crypto §3; the first failing check names it. */
export type Refusal =
  | "SIGNATURE_LENGTH"
  | "PUBLIC_KEY_LENGTH"
  | "S_NOT_CANONICAL"
  | "A_NOT_CANONICAL"
  | "A_SMALL_ORDER"
  | "R_NOT_CANONICAL"
  | "R_SMALL_ORDER"
  | "EQUATION";

export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));

/** L = 2^252 + 27742317777372353535851937790883648493, the order of the base point, little-endian. */
const L_LE = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

// crypto §3.4: the y coordinates (sign bit cleared) of every encoding that names one of the 8
// points of small order: y = 0 (order 4), 1 (the identity), p - 1 (order 2), the two y of the
// order-8 points, and y = p, p + 1, the non-canonical spellings of 0 and 1 (so the list stands
// on its own even though §3.3 refuses those first).
const Y_ONE = hex("0100000000000000000000000000000000000000000000000000000000000000");
const Y_P_MINUS_1 = hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
const SMALL_ORDER_Y: readonly Uint8Array[] = [
  hex("0000000000000000000000000000000000000000000000000000000000000000"),
  Y_ONE,
  Y_P_MINUS_1,
  hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
  hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
  hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
  hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
];

/** crypto §3.2: the 32 bytes at `offset`, read little-endian, are below L. */
export function isCanonicalScalar(bytes: Uint8Array, offset = 0): boolean {
  for (let i = 31; i >= 0; i--) {
    const b = bytes[offset + i];
    if (b !== L_LE[i]) return b < L_LE[i];
  }
  return false;
}

/**
 * crypto §3.3: the point encoding at `offset` is the one RFC 8032 §5.1.2 produces: y < p, and the
 * sign bit clear when x = 0 (which happens for y = 1 and y = p - 1 only).
 */
export function isCanonicalPoint(bytes: Uint8Array, offset = 0): boolean {
  if (!yBelowP(bytes, offset)) return false;
  if ((bytes[offset + 31] & 0x80) === 0) return true;
  return !sameY(bytes, offset, Y_ONE) && !sameY(bytes, offset, Y_P_MINUS_1);
}

/** crypto §3.4: the encoding at `offset` names a point of small order (1, 2, 4 or 8). */
export function isSmallOrderPoint(bytes: Uint8Array, offset = 0): boolean {
  for (const y of SMALL_ORDER_Y) if (sameY(bytes, offset, y)) return true;
  return false;
}

/** crypto §3.1, §3.3, §3.4 for a public key; `undefined` when the key passes them. */
export function publicKeyRefusal(publicKey: Uint8Array): Refusal | undefined {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return "PUBLIC_KEY_LENGTH";
  if (!isCanonicalPoint(publicKey)) return "A_NOT_CANONICAL";
  if (isSmallOrderPoint(publicKey)) return "A_SMALL_ORDER";
  return undefined;
}

/**
 * crypto §3.1–§3.6, in the order the spec lists them; `undefined` when only the equation (§3.7)
 * is left to decide. The message plays no part in these checks.
 */
export function precheck(signature: Uint8Array, publicKey: Uint8Array): Refusal | undefined {
  if (signature.length !== SIGNATURE_BYTES) return "SIGNATURE_LENGTH";
  if (publicKey.length !== PUBLIC_KEY_BYTES) return "PUBLIC_KEY_LENGTH";
  if (!isCanonicalScalar(signature, 32)) return "S_NOT_CANONICAL";
  const keyRefusal = publicKeyRefusal(publicKey);
  if (keyRefusal !== undefined) return keyRefusal;
  if (!isCanonicalPoint(signature, 0)) return "R_NOT_CANONICAL";
  if (isSmallOrderPoint(signature, 0)) return "R_SMALL_ORDER";
  return undefined;
}

// y >= p = 2^255 - 19 only when the low byte is >= 0xed and every other bit of y is set.
function yBelowP(bytes: Uint8Array, offset: number): boolean {
  if ((bytes[offset + 31] & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (bytes[offset + i] !== 0xff) return true;
  return bytes[offset] < 0xed;
}

// Compares the 255-bit y of the encoding at `offset` with `y`, ignoring the sign bit.
function sameY(bytes: Uint8Array, offset: number, y: Uint8Array): boolean {
  for (let i = 0; i < 31; i++) if (bytes[offset + i] !== y[i]) return false;
  return (bytes[offset + 31] & 0x7f) === y[31];
}
