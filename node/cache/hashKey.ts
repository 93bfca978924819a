/**
 * The first 30 bits of a hash (at least 4 bytes): a small integer, which V8 keeps unboxed and a
 * Map hashes at once (48 bits made every key a heap number, and lookups cost several times more).
 * The caches keyed by it check the whole hash on every hit, so a collision only costs a miss.
 */
export function hashKey(hash: Uint8Array): number {
  return (hash[0] << 22) | (hash[1] << 14) | (hash[2] << 6) | (hash[3] >>> 2);
}
