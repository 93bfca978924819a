// Blocks (DESIGN §2, specs/chain.md §2): every chain — the masterchain and each shard — is its
// own sequence of blocks. A header commits to the chain's state root and to its transactions
// and messages through Merkle roots; the masterchain header also lists the newest block of every
// shard, and its signatures make it and the shard blocks it names final.
import { hashOf, type Infer, t } from "../codec/index.ts";
import { Evidence } from "../consensus/index.ts";
import { sha256Concat, sha256Into } from "../crypto/index.ts";

/** Most transactions (and so most inbound messages) one block may hold. */
export const MAX_BLOCK_TRANSACTIONS = 20_000;
export const MAX_SHARDS = 256;
/** Most evidence of double signing one masterchain block records (chain §2.3, consensus §5.2). */
export const MAX_EVIDENCE = 16;
/** TON's 64-bit shard id of a whole workchain: no prefix bits, then the marker bit. */
export const SHARD_ALL = 0x8000_0000_0000_0000n;

/** chain §2.1: a block named by its chain position and hash. */
export const BlockRef = t.struct("BlockRef", { seqno: t.u64, hash: t.bytes(32) });
export type BlockRef = Infer<typeof BlockRef>;

/** chain §2.2: the newest block of one shard, as a masterchain block records it. */
export const ShardDescr = t.struct("ShardDescr", {
  workchain: t.i64,
  shard: t.u64,
  seqno: t.u64,
  hash: t.bytes(32),
  stateRoot: t.bytes(32),
  endLt: t.u64,
});
export type ShardDescr = Infer<typeof ShardDescr>;

/** chain §2.3. Its hash is the block's hash. */
export const BlockHeader = t.struct("BlockHeader", {
  workchain: t.i64,
  shard: t.u64,
  seqno: t.u64,
  prevHash: t.bytes(32),
  /** The newest masterchain block this block has seen (a masterchain block: its predecessor). */
  mcRef: BlockRef,
  /** Unix seconds. */
  time: t.u64,
  startLt: t.u64,
  endLt: t.u64,
  stateRoot: t.bytes(32),
  /** Masterchain: the hash of the config in force (chain §3); zeros in shard blocks. */
  configHash: t.bytes(32),
  txRoot: t.bytes(32),
  inMsgRoot: t.bytes(32),
  outMsgRoot: t.bytes(32),
  txCount: t.u32,
  /** Fees the block's transactions paid into the reward pool. */
  fees: t.u64,
  /** Value of internal messages this block took from queues, and put into them (chain §4.3). */
  valueImported: t.u64,
  valueExported: t.u64,
  /** Masterchain only: the newest block of every shard, in (workchain, shard) order. */
  shards: t.list(ShardDescr, MAX_SHARDS),
  producer: t.bytes(32),
  /** Masterchain only: double signing seen by the producer, each recorded once (consensus §5.2). */
  evidence: t.list(Evidence, MAX_EVIDENCE),
  /** Masterchain only: coins minted for the time since the previous block (staking §5.1). */
  minted: t.u64,
  /** Masterchain only: the share of the collected fees burned (staking §5.1). */
  burned: t.u64,
});
export type BlockHeader = Infer<typeof BlockHeader>;

/** chain §2.4: the header with the hashes of its transactions and of its messages. */
export const Block = t.struct(
  "Block",
  {
    header: BlockHeader,
    transactions: t.list(t.bytes(32), MAX_BLOCK_TRANSACTIONS),
    inMsgs: t.list(t.bytes(32), MAX_BLOCK_TRANSACTIONS),
    outMsgs: t.list(t.bytes(32), MAX_BLOCK_TRANSACTIONS * 4),
  },
  { maxBytes: 4 * 1024 * 1024 },
);
export type Block = Infer<typeof Block>;

export function blockHash(header: BlockHeader): Uint8Array {
  return hashOf(BlockHeader, header);
}

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);
const EMPTY_ROOT = new Uint8Array(32);

/**
 * chain §2.6: the Merkle root of a list of hashes. Leaves and inner nodes hash with distinct tags,
 * so no inner node can pass for a leaf; an odd node at the end of a level moves up unchanged.
 * Each level is one buffer that the hashes are written into: a round computes the roots of all
 * its transactions and messages, and an array per hash was a large share of what it allocated.
 */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  const n = hashes.length;
  if (n === 0) return EMPTY_ROOT.slice();
  let level = new Uint8Array(32 * n);
  const leafInput = new Uint8Array(33);
  leafInput[0] = LEAF[0];
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    if (h.length === 32) {
      leafInput.set(h, 1);
      sha256Into(leafInput, level, 32 * i);
    } else level.set(sha256Concat(LEAF, h), 32 * i);
  }
  const nodeInput = new Uint8Array(65);
  nodeInput[0] = NODE[0];
  for (let count = n; count > 1; ) {
    const pairs = count >> 1;
    const next = new Uint8Array(32 * (pairs + (count & 1)));
    for (let p = 0; p < pairs; p++) {
      for (let b = 0; b < 64; b++) nodeInput[1 + b] = level[64 * p + b];
      sha256Into(nodeInput, next, 32 * p);
    }
    if (count & 1) for (let b = 0; b < 32; b++) next[32 * pairs + b] = level[32 * (count - 1) + b];
    level = next;
    count = pairs + (count & 1);
  }
  return level;
}

/** The path from the leaf at `index` to the root: sibling hashes, bottom up, with their side. */
export function merklePath(
  hashes: readonly Uint8Array[],
  index: number,
): { left: boolean; hash: Uint8Array }[] {
  if (!Number.isInteger(index) || index < 0 || index >= hashes.length)
    throw new RangeError(`index: ${index}`);
  const path: { left: boolean; hash: Uint8Array }[] = [];
  let level = hashes.map((h) => sha256Concat(LEAF, h));
  let at = index;
  while (level.length > 1) {
    const sibling = at ^ 1;
    if (sibling < level.length) path.push({ left: sibling < at, hash: level[sibling] });
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? sha256Concat(NODE, level[i], level[i + 1]) : level[i]);
    }
    level = next;
    at >>= 1;
  }
  return path;
}

/** The root a leaf and its path lead to; equal to the block's root when the leaf is in it. */
export function merkleRootOfPath(
  leaf: Uint8Array,
  path: readonly { left: boolean; hash: Uint8Array }[],
): Uint8Array {
  let h = sha256Concat(LEAF, leaf);
  for (const step of path)
    h = step.left ? sha256Concat(NODE, step.hash, h) : sha256Concat(NODE, h, step.hash);
  return h;
}
