// Ed25519 verification under Gram's pinned rule (specs/crypto.md §3). Every path runs the same
// checks of our own first (rule.ts); then `verify` asks libsodium (the fast path: about 1.7×
// node:crypto's speed here), while `verifyOpenSsl` (node:crypto) and `verifyNoble`
// (@noble/curves) evaluate the same cofactorless equation as cross-checks. Consensus depends on
// every node answering alike, so the libraries only ever see inputs on which their known
// differences (crypto §4) cannot show.
import { verify as nodeVerify } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import sodium from "sodium-native";
import { assertBytes } from "./bytes.ts";
import { publicKeyObject } from "./keyObjects.ts";
import { precheck } from "./rule.ts";

const { Point } = ed25519;
const L = Point.Fn.ORDER;

/**
 * The consensus rule: whether `signature` is a valid signature of `message` by `publicKey`
 * (crypto §3). Bytes of the wrong length are a refusal, not an error; only arguments that are
 * not Uint8Arrays throw (TypeError).
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertArguments(signature, message, publicKey);
  if (precheck(signature, publicKey) !== undefined) return false;
  // crypto §3.7 by libsodium: it decodes A (refusing a point off the curve), recomputes
  // [S]B - [k]A and compares its encoding with the bytes of R, which given §3.5 is the
  // cofactorless equation. Its own refusals (S ≥ L, small-order or non-canonical A, small-order
  // R) are a subset of §3.2–§3.6, which refused those inputs already.
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

/** The same rule with OpenSSL (node:crypto) doing §3.7: a cross-check, and the path Gram used first. */
export function verifyOpenSsl(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertArguments(signature, message, publicKey);
  if (precheck(signature, publicKey) !== undefined) return false;
  // OpenSSL decodes A, recomputes [S]B - [k]A and compares its encoding with the bytes of R.
  const key = publicKeyObject(publicKey);
  return key !== undefined && nodeVerify(null, message, key, signature);
}

/**
 * The same rule with @noble/curves doing §3.7. Not noble's own `ed25519.verify`: that checks the
 * cofactored equation and would accept signatures whose R carries a small-order component, which
 * OpenSSL refuses (crypto §4).
 */
export function verifyNoble(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertArguments(signature, message, publicKey);
  if (precheck(signature, publicKey) !== undefined) return false;
  const rBytes = signature.subarray(0, 32);
  let A: typeof Point.BASE;
  let R: typeof Point.BASE;
  try {
    A = Point.fromBytes(publicKey, false);
    R = Point.fromBytes(rBytes, false);
  } catch {
    return false; // crypto §3.7: A or R is not a point of the curve
  }
  const s = bytesToNumberLE(signature.subarray(32)); // < L by §3.2
  const k = bytesToNumberLE(sha512.create().update(rBytes).update(publicKey).update(message).digest()) % L;
  return Point.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(k)));
}

function assertArguments(signature: unknown, message: unknown, publicKey: unknown): void {
  assertBytes(signature, "signature");
  assertBytes(message, "message");
  assertBytes(publicKey, "publicKey");
}
