// node:crypto wants keys as KeyObjects, built from DER. Building one costs about as much as a
// fast signature, so the KeyObjects of recently used keys are kept, in bounded caches keyed by
// the key bytes (content, not identity: a caller may reuse or refill its arrays).
import { createPrivateKey, createPublicKey, hash, type KeyObject } from "node:crypto";
import { toHex } from "../bytes/index.ts";
import { Lru } from "../cache/index.ts";

// The fixed DER prefixes of RFC 8410 for an Ed25519 PKCS#8 private key (the 32-byte seed
// follows) and an Ed25519 SubjectPublicKeyInfo (the 32-byte public key follows).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

// A validator signs with one or two keys; verification meets every validator and wallet key.
const privateKeys = new Lru<string, KeyObject>({ maxCost: 16 });
const publicKeys = new Lru<string, KeyObject>({ maxCost: 4096 });

/** The KeyObject of a 32-byte seed (length checked by the caller). */
export function privateKeyObject(seed: Uint8Array): KeyObject {
  // Keyed by a hash of the seed, so the cache keeps no copy of the secret in a JS string.
  const id = hash("sha256", seed, "base64");
  let key = privateKeys.get(id);
  if (key === undefined) {
    const der = Buffer.concat([PKCS8_PREFIX, seed]);
    key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    der.fill(0);
    privateKeys.set(id, key);
  }
  return key;
}

/**
 * The KeyObject of a 32-byte public key (length checked by the caller), or `undefined` when
 * OpenSSL will not import it. OpenSSL 3.5 imports even a key off the curve and refuses it at
 * verification; a version that checked on import could only refuse keys that do not decode,
 * which the rule refuses anyway (crypto §3.7).
 */
export function publicKeyObject(publicKey: Uint8Array): KeyObject | undefined {
  // Hex through node/bytes: a Buffer over a 32-byte array's `.buffer` moved its bytes off the
  // heap, an allocation per check.
  const id = toHex(publicKey);
  let key = publicKeys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
    } catch {
      return undefined;
    }
    publicKeys.set(id, key);
  }
  return key;
}

/** The raw 32-byte public key of a private KeyObject. */
export function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return Uint8Array.from(spki.subarray(SPKI_PREFIX.length));
}
