// node/crypto: ed25519 keys, signatures and Gram's pinned verification rule (specs/crypto.md),
// and SHA-256. Everything that signs, verifies or hashes in the node goes through here.
export { checkPublicKey, generateKeyPair, type KeyPair, keyPairFromSeed } from "./keys.ts";
export { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from "./rule.ts";
export { sha256, sha256Concat, sha256Into } from "./sha256.ts";
export { sign } from "./sign.ts";
export { verify, verifyNoble, verifyOpenSsl } from "./verify.ts";
