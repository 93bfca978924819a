// Building one block of one chain (chain §4): the messages it imports from queues first, then
// the external messages the mempool hands over, then the internal messages its own transactions
// send within the chain, while the block has room. Every account it touches is read once and
// kept in an overlay; at the end the overlay becomes the block's account writes and the state
// update, checked against the supply rule before anyone may commit it.

import type { Host, StorageChange, StorageReader, Value } from "../../vm/index.ts";
import { equalBytes, toHex } from "../bytes/index.ts";
import { hashOf } from "../codec/index.ts";
import type { Evidence } from "../consensus/index.ts";
import { type ExecResult, executeTransaction } from "../execution/index.ts";
import type { Account, LedgerAddress, Message } from "../ledger/index.ts";
import { CONFIG_ADDRESS, ELECTOR_ADDRESS, electorDueAt, isSystemAccount } from "../system/index.ts";
import {
  type BlockHeader,
  type BlockRef,
  blockHash,
  MAX_BLOCK_TRANSACTIONS,
  merkleRoot,
  type ShardDescr,
} from "./block.ts";
import { ChainConfig, chainConfigOf } from "./config.ts";
import { encodeTxRecord, type MessageStatus } from "./records.ts";
import type { AccountWrite, PreparedState, ShardStore, StorageItems } from "./shardStore.ts";

export interface QueuedMessage {
  /** The store key of the queue entry, deleted when the message is imported. */
  key: Uint8Array;
  /** The message's hash (ledger §4.1). */
  hash: Uint8Array;
  message: Extract<Message, { kind: "internal" }>;
  /** Its canonical encoding: the queue entry's value. */
  bytes: Uint8Array;
}

export interface ExternalMessage {
  hash: Uint8Array;
  message: Extract<Message, { kind: "externalIn" }>;
  /** Its canonical encoding: the bytes that were sent. */
  bytes: Uint8Array;
}

export interface CollateInput {
  workchain: bigint;
  shard: bigint;
  prev: BlockHeader;
  prevHash: Uint8Array;
  mcRef: BlockRef;
  /** The lt the block must start after: the referenced masterchain block's end lt. */
  mcEndLt: bigint;
  /** Unix seconds from the node's clock; the block never goes back in time. */
  now: bigint;
  config: ChainConfig;
  /** The hash of the config in force, which the header names unless the block changes it. */
  configHash: Uint8Array;
  store: ShardStore;
  imports: readonly QueuedMessage[];
  externals: readonly ExternalMessage[];
  host: Host;
  producer: Uint8Array;
  /** Masterchain blocks: the shard descriptors to record. */
  shards: readonly ShardDescr[];
  /** Masterchain: evidence to record, checked by the caller (chain §2.3). */
  evidence?: readonly Evidence[];
  /** The config as contracts read it (chain §3.4). */
  configParam: (id: bigint) => Value | null;
  /**
   * Masterchain: the chain's message to the elector that starts the block (staking §5.1), with
   * the new coins and the share of the fees it carries, and the fees burned.
   */
  tick?: {
    message: QueuedMessage["message"];
    hash: Uint8Array;
    bytes: Uint8Array;
    minted: bigint;
    burned: bigint;
  };
}

export interface CollatedTx {
  hash: Uint8Array;
  /** The account it ran on and its lt: the key of its entry in the account's history. */
  account: LedgerAddress;
  lt: bigint;
  /**
   * Its stored record, `encode(TxRecord, …)`, made from the encodings the block made along the way
   * (codec §7.3) once the block's hash is known. The round keeps these bytes rather than the decoded
   * transaction and messages: a round's objects outlive two young-generation collections and
   * were copied into the old generation, several kilobytes per transaction.
   */
  record: Uint8Array;
}

export interface Collated {
  header: BlockHeader;
  hash: Uint8Array;
  txs: CollatedTx[];
  inMsgs: Uint8Array[];
  outMsgs: Uint8Array[];
  state: PreparedState;
  /** Internal messages left for a queue: other chains', and this chain's beyond the block's room. */
  exported: { destWorkchain: bigint; lt: bigint; hash: Uint8Array; bytes: Uint8Array }[];
  statuses: { hash: Uint8Array; status: MessageStatus }[];
  /** Queue entries this block imported, to delete with it. */
  importedKeys: Uint8Array[];
  /** Σ(balance after − balance before) over the touched accounts. */
  balanceDelta: bigint;
  /**
   * Masterchain: the config this block put in force for the next (chain §3.2), when it changed
   * it; its hash is the header's `configHash`. Null when the config stays as it was.
   */
  nextConfig: ChainConfig | null;
  /** Masterchain: the elector's next duty (staking §5.1) when the block changed a system contract. */
  electorDueAt: bigint | null;
}

/** A transaction of the block being built, as its record will be stored. */
interface Ran {
  hash: Uint8Array;
  account: LedgerAddress;
  lt: bigint;
  transaction: Uint8Array;
  inMsg: Uint8Array;
  outMsgs: Uint8Array[];
}

interface Entry {
  address: LedgerAddress;
  before: Account | null;
  account: Account | null;
  code: Uint8Array | null;
  newCode: Uint8Array | null;
  /** The storage at the block's start (the store's kept map, shared: never changed here). */
  base: StorageItems | null;
  /** What the block's transactions wrote, by the hex of each key; over `base` unless wiped. */
  writes: Map<string, StorageChange>;
  /** A transaction deleted the account in this block (AccountWrite.wiped). */
  wiped: boolean;
}

const REFUSAL_TEXT: Record<string, string> = {
  NO_CODE: "the destination has no code and the message carries no matching state init",
  NOT_ACCEPTED: "the contract did not accept the message",
  BAD_BODY: "the message body is not a VM value",
  FROZEN: "the destination account is frozen",
};

export function refusalText(r: { reason: string; exitCode: number | null }): string {
  const base = REFUSAL_TEXT[r.reason] ?? r.reason;
  return r.exitCode === null ? base : `${base} (exit code ${r.exitCode})`;
}

async function loadEntry(input: CollateInput, address: LedgerAddress): Promise<Entry> {
  // Nothing commits while a block is built, so what is read here may be kept (ShardStore).
  const { account, code, items } = await input.store.contractAt(input.prev.stateRoot, address, true);
  return {
    address,
    before: account,
    account,
    code,
    newCode: null,
    base: items,
    writes: new Map(),
    wiped: false,
  };
}

/** An entry's storage as the VM reads it: the block's writes over the storage it started with. */
function reader(entry: Entry): StorageReader {
  return {
    get: (key) => {
      const k = toHex(key);
      const written = entry.writes.get(k);
      if (written !== undefined) return written.value ?? undefined;
      return entry.wiped ? undefined : entry.base?.get(k)?.value;
    },
  };
}

export async function collate(input: CollateInput): Promise<Collated> {
  const c = new Collator(input);
  await c.preload();
  if (input.tick !== undefined) {
    c.created += input.tick.message.value;
    await c.apply(input.tick.message, input.tick.hash, input.tick.bytes);
  }
  for (const q of input.imports) {
    if (!c.room()) break;
    c.importedKeys.push(q.key);
    c.valueImported += q.message.value;
    await c.apply(q.message, q.hash, q.bytes);
  }
  for (const e of input.externals) {
    if (!c.room()) {
      c.statuses.push({
        hash: e.hash,
        status: { kind: "refused", reason: "the block was full; send it again", exitCode: null },
      });
      continue;
    }
    const r = await c.apply(e.message, e.hash, e.bytes);
    c.statuses.push({ hash: e.hash, status: c.statusOf(r) });
  }
  // Messages sent within the chain run in this block while it has room, in the order they were made.
  for (let i = 0; i < c.local.length; i++) {
    const { hash, message, bytes } = c.local[i];
    if (!c.room()) {
      c.exported.push({ destWorkchain: input.workchain, lt: message.createdLt, hash, bytes });
      c.valueExported += message.value;
      continue;
    }
    await c.apply(message, hash, bytes);
  }
  return c.finish();
}

/**
 * One block being built. A class, not closures inside `collate`: closures made anew for every
 * block were each compiled again by V8 once hot, a few times a second on a busy validator.
 */
class Collator {
  readonly input: CollateInput;
  readonly time: bigint;
  readonly startLt: bigint;
  readonly seed: Uint8Array;
  readonly entries = new Map<string, Entry>();
  readonly ran: Ran[] = [];
  readonly inMsgs: Uint8Array[] = [];
  readonly outMsgs: Uint8Array[] = [];
  readonly exported: Collated["exported"] = [];
  readonly statuses: Collated["statuses"] = [];
  readonly local: { hash: Uint8Array; message: Extract<Message, { kind: "internal" }>; bytes: Uint8Array }[] =
    [];
  readonly importedKeys: Uint8Array[] = [];
  lt: bigint;
  fees = 0n;
  /** Value the chain itself puts in: the tick's (staking §5.1). */
  created = 0n;
  valueImported = 0n;
  valueExported = 0n;

  constructor(input: CollateInput) {
    this.input = input;
    // The block never goes back in time (bigints: Math.max does not take them).
    let time = input.now;
    if (time < input.prev.time) time = input.prev.time;
    this.time = time;
    let startLt = input.prev.endLt + 1n;
    if (startLt <= input.mcEndLt) startLt = input.mcEndLt + 1n;
    this.startLt = startLt;
    this.lt = startLt;
    this.seed = input.host.sha256(input.prevHash);
  }

  /** Reads every account the block's messages go to, all at once. */
  async preload(): Promise<void> {
    const { imports, externals } = this.input;
    const unique = new Map<string, LedgerAddress>();
    for (const q of imports) unique.set(toHex(q.message.dest.id), q.message.dest);
    for (const e of externals) unique.set(toHex(e.message.dest.id), e.message.dest);
    await Promise.all([...unique].map(async ([k, d]) => this.entries.set(k, await loadEntry(this.input, d))));
  }

  async entryOf(a: LedgerAddress): Promise<Entry> {
    const k = toHex(a.id);
    let e = this.entries.get(k);
    if (e === undefined) {
      e = await loadEntry(this.input, a);
      this.entries.set(k, e);
    }
    return e;
  }

  /** A transaction sends at most 255 messages (and one bounce); the block's lists must stay encodable. */
  room(): boolean {
    // The tick takes no room (staking §5.1): a block of one transaction still takes a message.
    const tick = this.input.tick === undefined ? 0 : 1;
    return (
      this.ran.length - tick < this.input.config.maxBlockTransactions &&
      this.outMsgs.length + 256 <= MAX_BLOCK_TRANSACTIONS * 4
    );
  }

  /** Every message comes with its hash: the mempool's, or the sending transaction's record's. */
  async apply(message: Message, hash: Uint8Array, bytes: Uint8Array): Promise<ExecResult> {
    if (message.kind === "externalOut") throw new Error("an outbound external message is never delivered");
    const { input } = this;
    const entry = await this.entryOf(message.dest);
    let txLt = this.lt;
    if (entry.account !== null && entry.account.lastLt >= txLt) txLt = entry.account.lastLt + 1n;
    if (message.kind === "internal" && message.createdLt >= txLt) txLt = message.createdLt + 1n;
    const result = executeTransaction(
      { address: entry.address, account: entry.account, code: entry.code, storage: reader(entry) },
      message,
      {
        now: this.time,
        lt: txLt,
        seed: this.seed,
        fees: input.config.fees,
        host: input.host,
        inMsgHash: hash,
        config: input.configParam,
        keepEncodings: true,
      },
    );
    if (result.kind === "refused") return result;
    const encoded = result.encoded;
    if (encoded === undefined) throw new Error("executeTransaction kept no encodings");
    this.lt = txLt + 1n + BigInt(result.outMessages.length);
    entry.account = result.account;
    if (result.code !== null) {
      entry.code = result.code;
      entry.newCode = result.code;
    }
    for (const c of result.storage) entry.writes.set(toHex(c.key), c);
    // Deleted (destroyed, or a frozen account past deleteDue): its storage is gone for the rest
    // of the block too, so a redeploy in a later transaction starts from its init alone.
    if (result.account === null || result.account.status.kind === "uninit") {
      entry.writes.clear();
      entry.wiped = true;
    }
    this.fees += result.fees;
    // The transaction record already names its messages by hash (ledger §6).
    this.inMsgs.push(result.transaction.inMsg);
    const sent = result.outMessages;
    for (let i = 0; i < sent.length; i++) {
      const m = sent[i];
      const h = result.transaction.outMsgs[i];
      this.outMsgs.push(h);
      if (m.kind !== "internal") continue;
      if (m.dest.workchain === input.workchain)
        this.local.push({ hash: h, message: m, bytes: encoded.outMessages[i] });
      else {
        this.exported.push({
          destWorkchain: m.dest.workchain,
          lt: m.createdLt,
          hash: h,
          bytes: encoded.outMessages[i],
        });
        this.valueExported += m.value;
      }
    }
    this.ran.push({
      hash: result.hash,
      account: entry.address,
      lt: txLt,
      transaction: encoded.transaction,
      inMsg: bytes,
      outMsgs: encoded.outMessages,
    });
    return result;
  }

  /** An external message's status once its transaction ran, or was refused. */
  statusOf(r: ExecResult): MessageStatus {
    if (r.kind === "refused") return { kind: "refused", reason: refusalText(r), exitCode: r.exitCode };
    const compute = r.transaction.compute;
    return {
      kind: "final",
      txHash: r.hash,
      workchain: this.input.workchain,
      blockSeqno: this.input.prev.seqno + 1n,
      // The round's masterchain block, which names this block and makes it final (chain §4.1).
      mcSeqno: this.input.mcRef.seqno + 1n,
      exitCode: compute.kind === "vm" ? compute.exitCode : null,
      success: compute.kind === "vm" && compute.success && (r.transaction.action?.success ?? true),
    };
  }

  /** The overlay as the block's account writes, the state update, the header and the records. */
  async finish(): Promise<Collated> {
    const { input, entries, ran, inMsgs, outMsgs, exported, statuses, importedKeys } = this;
    const { time, startLt, lt, fees, created, valueImported, valueExported } = this;
    const { workchain } = input;
    const writes: AccountWrite[] = [];
    let balanceDelta = 0n;
    let systemChanged = false;
    for (const key of [...entries.keys()].sort()) {
      const e = entries.get(key) as Entry;
      if (e.account === e.before) continue;
      balanceDelta += (e.account?.balance ?? 0n) - (e.before?.balance ?? 0n);
      if (e.writes.size > 0 && isSystemAccount(e.address)) systemChanged = true;
      writes.push({
        address: e.address,
        before: e.before,
        account: e.account,
        code: e.newCode,
        storage: [...e.writes.keys()].sort().map((k) => e.writes.get(k) as StorageChange),
        wiped: e.wiped,
      });
    }
    // chain §4.4: what came in from queues and from the chain is what the accounts gained, paid
    // in fees, or queued again.
    if (valueImported + created !== balanceDelta + fees + valueExported) {
      throw new Error(
        `supply broken in ${workchain}:${input.prev.seqno + 1n}: imported ${valueImported}, created ${created}, balances ${balanceDelta}, fees ${fees}, exported ${valueExported}`,
      );
    }
    const state = await input.store.prepare(input.prev.stateRoot, writes);
    // A changed system contract may have changed the config: the one it holds now is read again,
    // and the header names it as the config the next block runs under (chain §3.2).
    let nextConfig: ChainConfig | null = null;
    let dueAt: bigint | null = null;
    let configHash = input.configHash;
    if (workchain === -1n && systemChanged) {
      const elector = reader(await this.entryOf(ELECTOR_ADDRESS));
      const c = chainConfigOf(reader(await this.entryOf(CONFIG_ADDRESS)), elector);
      const h = hashOf(ChainConfig, c);
      if (!equalBytes(h, configHash)) {
        nextConfig = c;
        configHash = h;
      }
      dueAt = electorDueAt(elector, c);
    }
    const header: BlockHeader = {
      workchain,
      shard: input.shard,
      seqno: input.prev.seqno + 1n,
      prevHash: input.prevHash,
      mcRef: input.mcRef,
      time,
      startLt,
      endLt: lt,
      stateRoot: state.root,
      configHash: workchain === -1n ? configHash : new Uint8Array(32),
      txRoot: merkleRoot(ran.map((x) => x.hash)),
      inMsgRoot: merkleRoot(inMsgs),
      outMsgRoot: merkleRoot(outMsgs),
      txCount: ran.length,
      fees,
      valueImported,
      valueExported,
      shards: [...input.shards],
      producer: input.producer,
      evidence: [...(input.evidence ?? [])],
      minted: input.tick?.minted ?? 0n,
      burned: input.tick?.burned ?? 0n,
    };
    const hash = blockHash(header);
    const txs = ran.map(
      (x, index): CollatedTx => ({
        hash: x.hash,
        account: x.account,
        lt: x.lt,
        record: encodeTxRecord(x, { workchain, blockSeqno: header.seqno, blockHash: hash, index }),
      }),
    );
    return {
      header,
      hash,
      txs,
      inMsgs,
      outMsgs,
      state,
      exported,
      statuses,
      importedKeys,
      balanceDelta,
      nextConfig,
      electorDueAt: dueAt,
    };
  }
}
