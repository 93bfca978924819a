// What the chain keeps in its store besides the state trie (chain §6): blocks and their index,
// transactions with their messages, each account's history, the message queues, the status of
// sent messages, the config and the head. Every key starts with its record's one-letter prefix.
import { encode, encodeArrayOf, encodeStructOf, type Infer, t } from "../codec/index.ts";
import { Transaction } from "../execution/index.ts";
import { Message } from "../ledger/index.ts";
import { BlockRef } from "./block.ts";

export const PREFIX = {
  BLOCK: 0x42, // "B" ‖ hash → a blob reference to the Block (before format 5: the Block)
  SIGNATURES: 0x53, // "S" ‖ hash → a block's signatures before format 6, no longer read
  COMMIT: 0x44, // "D" ‖ masterchain block hash → its Commit, the decision (consensus §3.4)
  EVIDENCE: 0x45, // "E" ‖ validator ‖ chain ‖ height ‖ round ‖ type → the masterchain seqno that recorded it (consensus §5.2)
  ROUND: 0x52, // "R" ‖ masterchain block hash → the Candidate of its round, served to peers that sync (chain §4.6)
  VOTE_LOG: 0x57, // "W" ‖ chain ‖ height ‖ seq → a vote or proposal this node signed (consensus §5.1)
  SEQNO: 0x4e, // "N" ‖ wc ‖ seqno → hash
  TX: 0x58, // "X" ‖ tx hash → a blob reference to its TxRecord (before format 5: the TxRecord)
  HISTORY: 0x41, // "A" ‖ wc ‖ id ‖ lt → tx hash
  QUEUE: 0x51, // "Q" ‖ dest wc ‖ created lt ‖ message hash → Message
  STATUS: 0x4d, // "M" ‖ message hash → MessageStatus
  CONFIG: 0x4b, // "K" ‖ hash → ChainConfig
  KEY_BLOCK: 0x59, // "Y" ‖ seqno → the hash of the config a masterchain block put in force (chain §3.2)
  HEAD: 0x48, // "H" → Head
  FORMAT: 0x56, // "V" → the store's format (u32)
} as const;

/**
 * The layout of the keys and records of this file and of the state trie (chain §6.2). A store
 * written in another layout is refused at open rather than misread. 1 had no format record; 3
 * dropped the value hash from the trie's leaf entries (state §3.1); 4 keeps the trie's roots in
 * its run and indexes them in bulk (state §3.2); 5 keeps blocks and transaction records in the
 * store's blob log and indexes them by hash; 6 keeps each masterchain block's commit (consensus
 * §3.4); 7 records evidence in masterchain headers (chain §2.3) and keeps each round's candidate;
 * 8 keeps the trie's nodes and values in the blob log (state §3); 9 computes the storage root of
 * a contract with a few items from the items themselves, kept whole in one record, and stores no
 * trie of it (§6.2); 10 adds the system contracts, minting and burning to the chain (its blocks,
 * config and supply), so a store of 9 holds another chain and is refused.
 */
export const STORE_FORMAT = 10;

/**
 * Formats this node reads as they are and marks STORE_FORMAT at open (chain §6.3). None: a store of
 * 8 or 9 holds a chain without system contracts, whose blocks and config this node does not read.
 */
export const UPGRADED_FORMATS: readonly number[] = [];

/** A transaction as stored: the record, its messages, and where it sits. */
export const TxRecord = t.struct(
  "TxRecord",
  {
    transaction: Transaction,
    inMsg: Message,
    outMsgs: t.list(Message, 256),
    workchain: t.i64,
    blockSeqno: t.u64,
    blockHash: t.bytes(32),
    index: t.u32,
  },
  { maxBytes: 32 * 1024 * 1024 },
);
export type TxRecord = Infer<typeof TxRecord>;

const hash32 = t.bytes(32);

/**
 * `encode(TxRecord, …)` from the encodings the block already made of its transaction and messages
 * (codec §7.3): a round stores every transaction, and encoding each again cost the block loop
 * about a tenth of its time.
 */
export function encodeTxRecord(
  encoded: { transaction: Uint8Array; inMsg: Uint8Array; outMsgs: readonly Uint8Array[] },
  where: { workchain: bigint; blockSeqno: bigint; blockHash: Uint8Array; index: number },
): Uint8Array {
  return encodeStructOf(TxRecord, [
    encoded.transaction,
    encoded.inMsg,
    encodeArrayOf(encoded.outMsgs),
    encode(t.i64, where.workchain),
    encode(t.u64, where.blockSeqno),
    encode(hash32, where.blockHash),
    encode(t.u32, where.index),
  ]);
}

/** chain §7: the end of a sent external message's life. */
export const MessageStatus = t.variant("MessageStatus", {
  refused: t.struct("Refused", { reason: t.string(256), exitCode: t.optional(t.u32) }),
  final: t.struct("Final", {
    txHash: t.bytes(32),
    workchain: t.i64,
    blockSeqno: t.u64,
    mcSeqno: t.u64,
    exitCode: t.optional(t.u32),
    success: t.bool,
  }),
});
export type MessageStatus = Infer<typeof MessageStatus>;

/** chain §4.4: the supply ledger, checked after every block. */
export const Supply = t.struct("Supply", {
  initial: t.u64,
  /** Coins made since genesis (staking §5.1). */
  minted: t.u64,
  /** Fees burned since genesis. */
  burned: t.u64,
  balances: t.u64,
  queued: t.u64,
  rewardPool: t.u64,
});
export type Supply = Infer<typeof Supply>;

export const Head = t.struct("Head", { mc: BlockRef, genesis: t.bytes(32), supply: Supply });
export type Head = Infer<typeof Head>;

/** A workchain (−128..127) as one byte that sorts as the workchain does. */
export const wcByte = (wc: bigint) => Uint8Array.of(Number(wc) + 128);

// Byte by byte: a DataView needs the array's buffer, and asking a fresh 8-byte array for it makes
// V8 move the bytes off its heap, an allocation per key.
function u64be(n: bigint): Uint8Array {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError(`u64 out of range: ${n}`);
  const out = new Uint8Array(8);
  const high = Number(n >> 32n);
  const low = Number(n & 0xffff_ffffn);
  out[0] = high >>> 24;
  out[1] = high >>> 16;
  out[2] = high >>> 8;
  out[3] = high;
  out[4] = low >>> 24;
  out[5] = low >>> 16;
  out[6] = low >>> 8;
  out[7] = low;
  return out;
}

/** A store key: a one-byte prefix, then the parts. */
export function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1;
  for (const p of parts) n += p.length;
  const k = new Uint8Array(n);
  k[0] = prefix;
  let at = 1;
  for (const p of parts) {
    k.set(p, at);
    at += p.length;
  }
  return k;
}

export const keys = {
  block: (hash: Uint8Array) => key(PREFIX.BLOCK, hash),
  commit: (hash: Uint8Array) => key(PREFIX.COMMIT, hash),
  round: (hash: Uint8Array) => key(PREFIX.ROUND, hash),
  evidence: (v: {
    validator: Uint8Array;
    chain: { workchain: bigint; shard: bigint };
    height: bigint;
    round: number;
    type: number;
  }) => {
    const step = new Uint8Array(5);
    new DataView(step.buffer).setUint32(0, v.round);
    step[4] = v.type;
    return key(
      PREFIX.EVIDENCE,
      v.validator,
      wcByte(v.chain.workchain),
      u64be(v.chain.shard),
      u64be(v.height),
      step,
    );
  },
  seqno: (wc: bigint, seqno: bigint) => key(PREFIX.SEQNO, wcByte(wc), u64be(seqno)),
  tx: (hash: Uint8Array) => key(PREFIX.TX, hash),
  history: (wc: bigint, id: Uint8Array, lt: bigint) => key(PREFIX.HISTORY, wcByte(wc), id, u64be(lt)),
  historyStart: (wc: bigint, id: Uint8Array) => key(PREFIX.HISTORY, wcByte(wc), id),
  queue: (destWc: bigint, lt: bigint, hash: Uint8Array) => key(PREFIX.QUEUE, wcByte(destWc), u64be(lt), hash),
  queueStart: (destWc: bigint) => key(PREFIX.QUEUE, wcByte(destWc)),
  status: (hash: Uint8Array) => key(PREFIX.STATUS, hash),
  config: (hash: Uint8Array) => key(PREFIX.CONFIG, hash),
  keyBlock: (seqno: bigint) => key(PREFIX.KEY_BLOCK, u64be(seqno)),
  head: () => Uint8Array.of(PREFIX.HEAD),
  format: () => Uint8Array.of(PREFIX.FORMAT),
};
