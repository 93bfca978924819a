// A host whose ed25519 check remembers the (key, message, signature) triples it accepted, so a
// transfer's signature is checked once per node: when the mempool runs the message up to ACCEPT,
// not again when the block runs it (issue of the 1-node figures). Only acceptances are kept, and
// a kept triple is one the rule of crypto §3 accepted, so the answer is the one the rule would
// give: the VM's result and gas are the same with or without the cache. The node's worker pool
// runs the mempool's checks off the main thread and hands back the triples they accepted
// (`remember`).
import type { Host } from "../../vm/index.ts";
import { equalBytes } from "../bytes/index.ts";
import { hashKey, Lru } from "../cache/index.ts";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from "../crypto/index.ts";
import { vmHost } from "./vmHost.ts";

/** One ed25519 check as the VM asks for it. */
export interface SignatureCheck {
  message: Uint8Array;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

export interface CachingHost extends Host {
  readonly cacheSize: number;
  /** What the kept triples cost, bounded by `maxBytes`. */
  readonly cacheBytes: number;
  /** Keeps triples that `verify` of node/crypto accepted elsewhere (another thread's run). */
  remember(accepted: readonly SignatureCheck[]): void;
  /**
   * The triple's acceptance, taken out of the cache, when it was accepted before; undefined
   * otherwise. Nothing is checked now.
   */
  take(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): TakenAcceptance | undefined;
  /** Keeps again acceptances `take` took out, for a run that did not stand (chain §4.7). */
  putBack(taken: readonly TakenAcceptance[]): void;
}

/** An accepted triple as the cache keeps it. */
interface Kept {
  readonly signature: Uint8Array;
  readonly keyAndMessage: Uint8Array;
}

/** An acceptance taken out of a caching host: only that host's `putBack` reads it. */
export type TakenAcceptance = Readonly<Kept>;

const isBytes = (m: unknown, k: unknown, s: unknown) =>
  m instanceof Uint8Array && k instanceof Uint8Array && s instanceof Uint8Array;

/**
 * Whether a check could be accepted at all: bytes, a 64-byte signature and a 32-byte key
 * (crypto §3). Any other is refused by its shape alone, and never kept.
 */
export const checkable = (m: unknown, k: unknown, s: unknown): boolean =>
  isBytes(m, k, s) &&
  (s as Uint8Array).length === SIGNATURE_BYTES &&
  (k as Uint8Array).length === PUBLIC_KEY_BYTES;

/** Bytes of kept triples at most: a contract may have any message checked, up to its gas. */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
/** What a kept triple costs besides its bytes (the entry, its object and its two arrays). */
const ENTRY_OVERHEAD = 200;

export function createCachingHost(capacity = 100_000, maxBytes = DEFAULT_MAX_BYTES): CachingHost {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity: ${capacity}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes: ${maxBytes}`);
  // Kept by the first 30 bits of the signature (random enough, and a small integer a Map hashes
  // cheaply), compared whole on a hit; a second triple with the same bits replaces the first.
  // The least recently used acceptance goes first when the cache is full, by count or by bytes,
  // so a flood of large signed messages cannot grow it. A triple is kept as the signature and
  // key ‖ message, which for a wallet's 32-byte message are two arrays of 64 bytes: V8 keeps
  // those on its heap, where one array of 128 cost a malloc and a free per transfer. It is taken
  // out by the check that uses it: a transfer's signature is checked by its block once, and an
  // acceptance that stayed until the cache was full lived long enough to be copied into V8's old
  // generation and collected there.
  const accepted = new Lru<number, Kept>({ maxCost: maxBytes, maxEntries: capacity });
  const matches = (kept: Kept, m: Uint8Array, k: Uint8Array, s: Uint8Array) =>
    kept.keyAndMessage.length === PUBLIC_KEY_BYTES + m.length &&
    equalBytes(kept.signature, s) &&
    equalBytes(kept.keyAndMessage.subarray(0, PUBLIC_KEY_BYTES), k) &&
    equalBytes(kept.keyAndMessage.subarray(PUBLIC_KEY_BYTES), m);
  const keep = (kept: Kept) =>
    accepted.set(hashKey(kept.signature), kept, SIGNATURE_BYTES + kept.keyAndMessage.length + ENTRY_OVERHEAD);
  /** The triple's acceptance, if it was kept: a hit is taken out of the cache. */
  const take = (m: Uint8Array, k: Uint8Array, s: Uint8Array): Kept | undefined => {
    if (!checkable(m, k, s)) return undefined;
    const kept = accepted.peek(hashKey(s));
    if (kept === undefined || !matches(kept, m, k, s)) return undefined;
    accepted.delete(hashKey(s));
    return kept;
  };
  const remember = (m: Uint8Array, k: Uint8Array, s: Uint8Array) => {
    if (!checkable(m, k, s)) return;
    // The VM may reuse its arrays after the call: the cache keeps copies.
    const keyAndMessage = new Uint8Array(PUBLIC_KEY_BYTES + m.length);
    keyAndMessage.set(k);
    keyAndMessage.set(m, PUBLIC_KEY_BYTES);
    keep({ signature: s.slice(), keyAndMessage });
  };
  const host: CachingHost = {
    sha256: vmHost.sha256,
    hashValue: vmHost.hashValue,
    ed25519Verify(message, publicKey, signature) {
      if (!isBytes(message, publicKey, signature)) return false;
      if (take(message, publicKey, signature) !== undefined) return true;
      const ok = vmHost.ed25519Verify(message, publicKey, signature);
      if (ok) remember(message, publicKey, signature);
      return ok;
    },
    get cacheSize() {
      return accepted.size;
    },
    get cacheBytes() {
      return accepted.cost;
    },
    remember(checks) {
      for (const c of checks) remember(c.message, c.publicKey, c.signature);
    },
    take,
    putBack(taken) {
      for (const kept of taken) keep(kept);
    },
  };
  return host;
}
