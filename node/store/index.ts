// node/store: durable key-value storage. The only module that imports level.
export { BLOB_REF_BYTES, decodeBlobRef } from "./blobLog.ts";
export { StoreError, type StoreErrorCode } from "./errors.ts";
export { type KvStore, prefixEnd, type WriteOp } from "./kvStore.ts";
export { LevelStore, type LevelStoreOptions } from "./levelStore.ts";
export { MemoryStore } from "./memoryStore.ts";
export { concatBytes, SegmentFiles, writeAll } from "./segmentFiles.ts";
