// node/verifier: ed25519 checks (crypto §3, node/crypto's `verify`) on worker threads.
export { VerifyPool, type VerifyPoolOptions } from "./pool.ts";
export type { SignatureCheck } from "./wire.ts";
