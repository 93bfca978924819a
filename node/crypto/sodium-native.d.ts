// The part of sodium-native (libsodium's Node binding, which ships no types) that Gram calls.
declare module "sodium-native" {
  /** libsodium's crypto_sign_verify_detached: throws on a signature or key of the wrong length. */
  function crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
  const sodium: { crypto_sign_verify_detached: typeof crypto_sign_verify_detached };
  export default sodium;
}
