// The secret part of a wallet file: scrypt turns the password into a key, AES-256-GCM encrypts
// the phrase under it and authenticates the file's public fields as associated data, so a file
// whose address, key or parameters were edited no longer opens.
import { createCipheriv, createDecipheriv, scrypt } from "node:crypto";

export interface ScryptCost {
  /** CPU and memory cost, a power of two. */
  n: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and ~150 ms per unlock on a current x64 core. N = 2^16 took ~320 ms. */
export const DEFAULT_SCRYPT: ScryptCost = Object.freeze({ n: 2 ** 15, r: 8, p: 1 });

// What a file may ask for: enough for any sane setting, not enough to exhaust the machine.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 256 * 1024 * 1024;

export const KEY_BYTES = 32;
export const SALT_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** Why a cost cannot be used, or undefined when it can. */
export function scryptCostRefusal(cost: ScryptCost): string | undefined {
  const { n, r, p } = cost;
  if (!Number.isSafeInteger(n) || n < 2 || n > MAX_N || (n & (n - 1)) !== 0) {
    return `scrypt n must be a power of two in 2..2^20, got ${n}`;
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R) return `scrypt r must be in 1..${MAX_R}, got ${r}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_P) return `scrypt p must be in 1..${MAX_P}, got ${p}`;
  if (128 * n * r > MAX_MEMORY) return `scrypt n·r needs more than ${MAX_MEMORY >> 20} MiB`;
  return undefined;
}

export function deriveKey(password: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  // NFKC, as BIP-39 does: the same password typed on another system gives the same bytes.
  const secret = new TextEncoder().encode(password.normalize("NFKC"));
  return new Promise((resolve, reject) => {
    const options = { N: cost.n, r: cost.r, p: cost.p, maxmem: 2 * 128 * cost.n * cost.r + (1 << 20) };
    scrypt(secret, salt, KEY_BYTES, options, (err, key) => {
      secret.fill(0);
      if (err) reject(err);
      else resolve(new Uint8Array(key));
    });
  });
}

export function encrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  return { ciphertext, tag: new Uint8Array(cipher.getAuthTag()) };
}

/** The plaintext, or undefined when the key is wrong or anything authenticated was changed. */
export function decrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    return undefined;
  }
}
