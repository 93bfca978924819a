// How chain objects look in JSON-RPC answers (rpc §2): hashes and bytes in hex, amounts in
// nanograms as decimal strings, addresses in raw form with the friendly form beside.
import type { Value } from "../../vm/index.ts";
import { formatFriendly } from "../address/index.ts";
import { toHex } from "../bytes/index.ts";
import type { BlockHeader, TxRecord } from "../chain/index.ts";
import { CodecError, decode, t } from "../codec/index.ts";
import type { Commit } from "../consensus/index.ts";
import type { Account, LedgerAddress, Message } from "../ledger/index.ts";
import { vmToJson } from "../vmjson/index.ts";

export function rawAddress(a: LedgerAddress): string {
  return `${a.workchain}:${toHex(a.id)}`;
}

export function friendly(a: LedgerAddress, bounceable = true): string {
  return formatFriendly({ workchain: Number(a.workchain), hash: a.id }, { bounceable, testnet: false });
}

/** A masterchain block's commit (consensus §3.4): the round and the precommit signatures; null for block 0. */
export function commitView(c: Commit | null) {
  if (c === null) return null;
  return {
    round: c.round,
    signatures: c.signatures.map((s) => ({ publicKey: toHex(s.validator), signature: toHex(s.signature) })),
  };
}

export function headerView(h: BlockHeader, hash: Uint8Array) {
  return {
    hash: toHex(hash),
    workchain: Number(h.workchain),
    shard: h.shard.toString(16),
    seqno: Number(h.seqno),
    prevHash: toHex(h.prevHash),
    mcRef: { seqno: Number(h.mcRef.seqno), hash: toHex(h.mcRef.hash) },
    time: Number(h.time),
    startLt: h.startLt.toString(),
    endLt: h.endLt.toString(),
    stateRoot: toHex(h.stateRoot),
    txCount: h.txCount,
    fees: h.fees.toString(),
    shards: h.shards.map((s) => ({
      workchain: Number(s.workchain),
      seqno: Number(s.seqno),
      hash: toHex(s.hash),
    })),
  };
}

export function accountView(address: LedgerAddress, a: Account | null) {
  const base = { address: friendly(address), raw: rawAddress(address) };
  if (a === null) return { ...base, exists: false, balance: "0", status: "nonexist" };
  return {
    ...base,
    exists: true,
    balance: a.balance.toString(),
    status: a.status.kind,
    codeHash: a.status.kind !== "uninit" ? toHex(a.status.codeHash) : null,
    storageRoot: a.status.kind !== "uninit" ? toHex(a.status.storageRoot) : null,
    storageBytes: a.storageBytes,
    lastLt: a.lastLt.toString(),
    lastTxHash: toHex(a.lastTxHash),
  };
}

/** A message body as a VM value, or undefined when it is not one (an external could send anything). */
function decodeBody(body: Uint8Array): Value | undefined {
  try {
    return decode(t.vmValue, body);
  } catch (e) {
    if (e instanceof CodecError) return undefined;
    throw e;
  }
}

function bodyView(body: Uint8Array, value: Value | undefined): unknown {
  return value === undefined ? { undecodable: toHex(body) } : vmToJson(value);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A text comment when the body is one (contracts §2.5), for people reading a history. */
function commentOf(value: Value | undefined): string | null {
  if (!(value instanceof Uint8Array)) return null;
  try {
    return utf8.decode(value);
  } catch {
    return null; // not UTF-8: bytes, not a comment
  }
}

export function messageView(m: Message) {
  if (m.kind === "internal") {
    const body = decodeBody(m.body);
    return {
      type: "internal",
      src: rawAddress(m.src),
      dest: rawAddress(m.dest),
      value: m.value.toString(),
      fwdFee: m.fwdFee.toString(),
      bounce: m.bounce,
      bounced: m.bounced,
      createdLt: m.createdLt.toString(),
      body: bodyView(m.body, body),
      comment: commentOf(body),
    };
  }
  if (m.kind === "externalIn")
    return { type: "externalIn", dest: rawAddress(m.dest), deploys: m.init !== null };
  return { type: "externalOut", src: rawAddress(m.src), body: bodyView(m.body, decodeBody(m.body)) };
}

export function txView(hash: Uint8Array, r: TxRecord) {
  const tx = r.transaction;
  const compute =
    tx.compute.kind === "vm"
      ? {
          success: tx.compute.success,
          exitCode: tx.compute.exitCode,
          gasUsed: tx.compute.gasUsed.toString(),
          gasFee: tx.compute.gasFee.toString(),
        }
      : { skipped: ["no code", "frozen", "bad body"][tx.compute.reason] ?? String(tx.compute.reason) };
  return {
    hash: toHex(hash),
    account: rawAddress(tx.account),
    lt: tx.lt.toString(),
    now: Number(tx.now),
    block: { workchain: Number(r.workchain), seqno: Number(r.blockSeqno), hash: toHex(r.blockHash) },
    fee: tx.totalFees.toString(),
    storageFee: tx.storageFee.toString(),
    credit: tx.credit.toString(),
    endBalance: tx.endBalance.toString(),
    compute,
    action:
      tx.action === null
        ? null
        : {
            success: tx.action.success,
            resultCode: tx.action.resultCode,
            messagesSent: tx.action.messagesSent,
          },
    bounced: tx.bounced,
    inMsg: messageView(r.inMsg),
    outMsgs: r.outMsgs.map(messageView),
  };
}
