// The initial storage a helper builds for a contract's deployment (vm §4.9): key → value pairs,
// written to the account once, before its first run.
export type { StorageEntry } from "../result.ts";

/** Wallet and multisig: the part that never changes (contracts §2.1, §4.1). */
export const STATIC_KEY = Uint8Array.of(0x00);
/** Wallet and multisig: the seqno, alone, because every order rewrites it. */
export const SEQNO_KEY = Uint8Array.of(0x01);
