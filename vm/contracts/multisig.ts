// The k-of-n multisig's storage and message bodies (contracts §4); the contract is multisig.asm.
// Owners sign the order one by one, each with their own key; anyone may then submit the body.
import type { Value } from "../values.ts";
import { assertBytes, assertUint } from "./checks.ts";
import { type OutMessage, outMessagesValue } from "./outMessages.ts";
import { type Signer, signValue } from "./signer.ts";
import { SEQNO_KEY, STATIC_KEY, type StorageEntry } from "./storage.ts";

/** contracts §4.3: 32..37 as the wallet's, then the multisig's own. */
export const MULTISIG_EXIT = {
  BAD_BODY: 32,
  BAD_SEQNO: 33,
  BAD_WALLET_ID: 34,
  BAD_SIGNATURE: 35,
  EXPIRED: 36,
  TOO_MANY_MESSAGES: 37,
  UNKNOWN_OWNER: 38,
  DUPLICATE_OWNER: 39,
  NOT_ENOUGH_SIGNATURES: 40,
} as const;

/** contracts §4.4. */
export const MULTISIG_GET = {
  SEQNO: "seqno",
  OWNERS: "owners",
  THRESHOLD: "threshold",
  WALLET_ID: "walletId",
} as const;

/** At most this many owners (and so signatures per order): the contract caps signatures at 16. */
export const MAX_OWNERS = 16;

export interface MultisigInit {
  /** Raw ed25519 public keys (32 bytes each), 1..16, all distinct; an owner's index is its place. */
  owners: readonly Uint8Array[];
  /** k: distinct owners whose signatures an order needs, 1..owners.length. */
  threshold: number;
  walletId: bigint;
  seqno?: bigint;
}

/** Storage (contracts §4.1): `00 → [owners, threshold, walletId]`, `01 → seqno`. */
export function multisigStorage(init: MultisigInit): StorageEntry[] {
  const owners = init.owners;
  if (!Array.isArray(owners)) throw new TypeError("owners: expected an array");
  if (owners.length < 1 || owners.length > MAX_OWNERS)
    throw new RangeError(`owners: ${owners.length} of them, expected 1..${MAX_OWNERS}`);
  const seen = new Set<string>();
  owners.forEach((key: Uint8Array, i) => {
    assertBytes(key, 32, `owners[${i}]`);
    // One key at two indexes would let its holder count twice toward k.
    const id = key.join(",");
    if (seen.has(id)) throw new RangeError(`owners[${i}]: the same key as an earlier owner`);
    seen.add(id);
  });
  const k = init.threshold;
  if (!Number.isInteger(k) || k < 1 || k > owners.length)
    throw new RangeError(`threshold: ${k} is outside 1..${owners.length}`);
  assertUint(init.walletId, 32, "walletId");
  const seqno = init.seqno ?? 0n;
  assertUint(seqno, 64, "seqno");
  return [
    { key: STATIC_KEY.slice(), value: [owners.map((o) => o.slice()), BigInt(k), init.walletId] },
    { key: SEQNO_KEY.slice(), value: seqno },
  ];
}

export interface MultisigOrder {
  walletId: bigint;
  /** Unix seconds: refused once the block time is past it. */
  validUntil: bigint;
  /** The multisig's current seqno. */
  seqno: bigint;
  messages: readonly OutMessage[];
}

export interface OwnerSignature {
  ownerIndex: number;
  signature: Uint8Array;
}

/** The order every owner signs. Schema: `[walletId, validUntil, seqno, messages]`. */
export function multisigOrderValue(order: MultisigOrder): Value {
  assertUint(order.walletId, 32, "walletId");
  assertUint(order.validUntil, 64, "validUntil");
  assertUint(order.seqno, 64, "seqno");
  return [order.walletId, order.validUntil, order.seqno, outMessagesValue(order.messages)];
}

/** One owner's signature of the order. */
export function signMultisigOrder(order: MultisigOrder, ownerIndex: number, signer: Signer): OwnerSignature {
  assertOwnerIndex(ownerIndex, "ownerIndex");
  return { ownerIndex, signature: signValue(multisigOrderValue(order), signer) };
}

/** The body of the external message. Schema: `[[[ownerIndex, signature (64 Bytes)] …], order]`. */
export function multisigBody(order: MultisigOrder, signatures: readonly OwnerSignature[]): Value {
  if (!Array.isArray(signatures)) throw new TypeError("signatures: expected an array");
  if (signatures.length > MAX_OWNERS)
    throw new RangeError(`signatures: ${signatures.length} of them, at most ${MAX_OWNERS}`);
  const pairs = signatures.map((s: OwnerSignature, i): Value => {
    assertOwnerIndex(s.ownerIndex, `signatures[${i}].ownerIndex`);
    assertBytes(s.signature, 64, `signatures[${i}].signature`);
    return [BigInt(s.ownerIndex), s.signature];
  });
  return [pairs, multisigOrderValue(order)];
}

function assertOwnerIndex(i: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_OWNERS)
    throw new RangeError(`${what}: ${i} is outside 0..${MAX_OWNERS - 1}`);
}
