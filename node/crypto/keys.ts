// Ed25519 key pairs in TON's convention: the secret key is the 32-byte seed of RFC 8032 §5.1.5,
// and the public key the 32-byte encoding of A. Also the key check validators' keys must pass
// at registration (crypto §2).
import { randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { assertBytes, assertLength } from "./bytes.ts";
import { privateKeyObject, rawPublicKey } from "./keyObjects.ts";
import { publicKeyRefusal, SEED_BYTES } from "./rule.ts";

export type KeyPair = { publicKey: Uint8Array; secretKey: Uint8Array };

/** The key pair of a 32-byte seed (RFC 8032 §5.1.5). The pair holds its own copy of the seed. */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  assertBytes(seed, "seed");
  assertLength(seed, SEED_BYTES, "seed");
  const publicKey = rawPublicKey(privateKeyObject(seed));
  return { publicKey, secretKey: Uint8Array.from(seed) };
}

/** A fresh key pair from the operating system's random source (not for use inside consensus). */
export function generateKeyPair(): KeyPair {
  const seed = randomBytes(SEED_BYTES);
  try {
    return keyPairFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * crypto §2: whether a public key is acceptable under Gram's rule: 32 bytes, canonical, not of
 * small order (§3.3, §3.4), and the encoding of a point on the curve. A key that fails can never
 * verify a signature, so registering it would only register a validator that cannot sign.
 */
export function checkPublicKey(publicKey: Uint8Array): boolean {
  assertBytes(publicKey, "publicKey");
  if (publicKeyRefusal(publicKey) !== undefined) return false;
  try {
    ed25519.Point.fromBytes(publicKey, false);
    return true;
  } catch {
    return false;
  }
}
