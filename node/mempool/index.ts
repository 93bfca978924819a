// node/mempool: external messages checked and waiting for a block (specs/chain.md §7).
export { MempoolError, type MempoolErrorCode } from "./errors.ts";
export { type JournalEntry, MempoolJournal } from "./journal.ts";
export { Mempool, type MempoolDeps, type MempoolOptions, type Origin } from "./mempool.ts";
