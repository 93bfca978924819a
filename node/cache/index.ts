// node/cache: the bounded cache the node's modules share (decoded trie nodes, accounts and
// storage maps, contract code, accepted signatures, key objects), so that each is bounded the
// same way and none of them pays for an eviction by scanning.

export { hashKey } from "./hashKey.ts";
export { Lru, type LruOptions } from "./lru.ts";
