// What a client checks before it believes a node (rpc §5): an account's state is proved by a
// trie proof against a block's state root; a basechain block by the masterchain header that
// names it; the masterchain header by a commit of more than 2/3 of the stake of a validator set
// the client already trusts, on the network (genesis hash) it trusts them for. A node that lies about any of it is caught here.
import { equalBytes, fromHex } from "../bytes/index.ts";
import { BlockHeader, ChainConfig, finalityError, MC_CHAIN, type Validator } from "../chain/index.ts";
import { CodecError, decode, hashOf } from "../codec/index.ts";
import { Account, type LedgerAddress } from "../ledger/index.ts";
import { decodeProof, valueHashOf, verifyProof } from "../state/index.ts";

/** The `proof` field of a getAccount answer. */
export interface AccountProofJson {
  account: string | null;
  trie: string;
  block: { hash: string; header: string };
  masterchain: {
    hash: string;
    header: string;
    commit: { round: number; signatures: { publicKey: string; signature: string }[] } | null;
  };
}

export class ProofError extends Error {
  constructor(message: string) {
    super(`the node's answer does not check out: ${message}`);
    this.name = "ProofError";
  }
}

function bytes(hex: unknown, what: string, length?: number): Uint8Array {
  const b = typeof hex === "string" ? fromHex(hex) : null;
  if (b === null || (length !== undefined && b.length !== length))
    throw new ProofError(`${what} is not valid hex`);
  return b;
}

function header(hex: unknown, hash: unknown, what: string): { header: BlockHeader; hash: Uint8Array } {
  const h = bytes(hash, `${what} hash`, 32);
  let decoded: BlockHeader;
  try {
    decoded = decode(BlockHeader, bytes(hex, `${what} header`));
  } catch (e) {
    if (e instanceof CodecError) throw new ProofError(`${what} header does not decode`);
    throw e;
  }
  if (!equalBytes(hashOf(BlockHeader, decoded), h))
    throw new ProofError(`${what} header does not hash to its hash`);
  return { header: decoded, hash: h };
}

type CommitJson = AccountProofJson["masterchain"]["commit"];

/** A commit's JSON (rpc §2.5) as the commit of masterchain block `mc`, or null when there is none. */
function commitOf(c: CommitJson | undefined, mc: { header: BlockHeader; hash: Uint8Array }) {
  const round = c?.round;
  if (c != null && (!Number.isInteger(round) || (round as number) < 0 || (round as number) > 0xffffffff))
    throw new ProofError("the commit's round is not a round");
  return c == null
    ? null
    : {
        chain: MC_CHAIN,
        height: mc.header.seqno,
        round: round as number,
        value: mc.hash,
        signatures: (Array.isArray(c.signatures) ? c.signatures : []).map((s, i) => ({
          validator: bytes(s?.publicKey, `signature ${i} key`, 32),
          signature: bytes(s?.signature, `signature ${i}`, 64),
        })),
      };
}

/** One getKeyBlocks entry (rpc §2.16). */
export interface KeyBlockJson {
  seqno: number;
  hash: string;
  header: string;
  commit: CommitJson;
  config: string;
}

/**
 * Follows the validator sets from one the client trusts, `trusted` (that of key block
 * `trusted.seqno`, 0 for genesis), through the key blocks after it (chain §3.1): each must be final
 * under the set the client trusts so far, and the config it carries must be the one its header
 * names; that config's set is trusted next. Returns the set in force after the last one.
 */
export function followKeyBlocks(
  trusted: { validators: readonly Validator[]; seqno: bigint },
  keyBlocks: readonly KeyBlockJson[],
  network: Uint8Array,
): { validators: Validator[]; seqno: bigint } {
  let validators = [...trusted.validators];
  let seqno = trusted.seqno;
  for (const [i, k] of keyBlocks.entries()) {
    const mc = header(k?.header, k?.hash, `key block ${i}`);
    if (mc.header.workchain !== -1n || mc.header.seqno <= seqno || BigInt(k.seqno) !== mc.header.seqno)
      throw new ProofError(`key block ${i} is not a later masterchain block`);
    const why = finalityError(
      network,
      validators,
      { seqno: mc.header.seqno, hash: mc.hash },
      commitOf(k.commit, mc),
    );
    if (why !== null) throw new ProofError(`key block ${mc.header.seqno} is not final: ${why}`);
    let config: ChainConfig;
    try {
      config = decode(ChainConfig, bytes(k.config, `key block ${i} config`));
    } catch (e) {
      if (e instanceof CodecError)
        throw new ProofError(`key block ${mc.header.seqno}'s config does not decode`);
      throw e;
    }
    if (!equalBytes(hashOf(ChainConfig, config), mc.header.configHash))
      throw new ProofError(`key block ${mc.header.seqno}'s config is not the one its header names`);
    validators = config.validators;
    seqno = mc.header.seqno;
  }
  return { validators, seqno };
}

/**
 * Checks a getAccount proof for `address` against `validators`; returns the proved account (null
 * when the proof shows it does not exist) and the final masterchain block it was proved at.
 */
export function verifyAccountProof(
  proof: AccountProofJson,
  address: LedgerAddress,
  validators: readonly Validator[],
  network: Uint8Array,
): { account: Account | null; mcSeqno: bigint; mcHash: Uint8Array } {
  if (typeof proof !== "object" || proof === null) throw new ProofError("no proof");
  const mc = header(proof.masterchain?.header, proof.masterchain?.hash, "masterchain");
  if (mc.header.workchain !== -1n) throw new ProofError("the masterchain header is not a masterchain block");
  const commit = commitOf(proof.masterchain.commit, mc);
  const why = finalityError(network, validators, { seqno: mc.header.seqno, hash: mc.hash }, commit);
  if (why !== null) throw new ProofError(`the masterchain block is not final: ${why}`);
  let root: Uint8Array;
  if (address.workchain === -1n) {
    root = mc.header.stateRoot;
  } else {
    const block = header(proof.block?.header, proof.block?.hash, "block");
    const named = mc.header.shards.some(
      (s) =>
        s.workchain === block.header.workchain &&
        equalBytes(s.hash, block.hash) &&
        equalBytes(s.stateRoot, block.header.stateRoot),
    );
    if (block.header.workchain !== address.workchain || !named)
      throw new ProofError("the block is not the one the masterchain block names");
    root = block.header.stateRoot;
  }
  let result: ReturnType<typeof verifyProof>;
  try {
    result = verifyProof(root, address.id, decodeProof(bytes(proof.trie, "trie proof")));
  } catch (e) {
    throw new ProofError(`the trie proof is invalid (${(e as Error).message})`);
  }
  if (!result.included) {
    if (proof.account !== null) throw new ProofError("the proof shows no account, but an account was sent");
    return { account: null, mcSeqno: mc.header.seqno, mcHash: mc.hash };
  }
  if (proof.account === null) throw new ProofError("the proof shows an account, but no account was sent");
  const accountBytes = bytes(proof.account, "account");
  if (!equalBytes(valueHashOf(accountBytes), result.valueHash))
    throw new ProofError("the account is not the one the proof commits to");
  let account: Account;
  try {
    account = decode(Account, accountBytes);
  } catch (e) {
    if (e instanceof CodecError) throw new ProofError("the proved account does not decode");
    throw e;
  }
  return { account, mcSeqno: mc.header.seqno, mcHash: mc.hash };
}
