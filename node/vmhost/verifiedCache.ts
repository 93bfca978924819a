// A host whose ed25519 check remembers the (key, message, signature) triples it accepted, so a
// transfer's signature is checked once per node: when the mempool runs the message up to ACCEPT,
// not again when the block runs it (issue of the 1-node figures). Only acceptances are kept, and
// a kept triple is one the rule of crypto §3 accepted, so the answer is the one the rule would
// give: the VM's result and gas are the same with or without the cache.
import type { Host } from "../../vm/index.ts";
import { toHex } from "../bytes/index.ts";
import { vmHost } from "./vmHost.ts";

export interface CachingHost extends Host {
  readonly cacheSize: number;
}

export function createCachingHost(capacity = 100_000): CachingHost {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity: ${capacity}`);
  // Map keeps insertion order: the oldest acceptance goes first when the cache is full.
  const accepted = new Map<string, true>();
  const keyOf = (m: Uint8Array, k: Uint8Array, s: Uint8Array) => `${toHex(k)}${toHex(s)}${toHex(m)}`;
  return {
    sha256: vmHost.sha256,
    hashValue: vmHost.hashValue,
    ed25519Verify(message, publicKey, signature) {
      if (
        !(message instanceof Uint8Array && publicKey instanceof Uint8Array && signature instanceof Uint8Array)
      ) {
        return false;
      }
      const key = keyOf(message, publicKey, signature);
      if (accepted.has(key)) return true;
      const ok = vmHost.ed25519Verify(message, publicKey, signature);
      if (ok) {
        if (accepted.size >= capacity) accepted.delete(accepted.keys().next().value as string);
        accepted.set(key, true);
      }
      return ok;
    },
    get cacheSize() {
      return accepted.size;
    },
  };
}
