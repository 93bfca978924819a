// The standard wallet's storage and message bodies (contracts §2). The contract itself is
// wallet.asm; these helpers build exactly the values it reads.
import type { Value } from "../values.ts";
import { assertBytes, assertUint } from "./checks.ts";
import { type OutMessage, outMessagesValue } from "./outMessages.ts";
import { type Signer, signValue } from "./signer.ts";
import { SEQNO_KEY, STATIC_KEY, type StorageEntry } from "./storage.ts";

/** contracts §2.3: why the wallet refused an external message (always before ACCEPT). */
export const WALLET_EXIT = {
  BAD_BODY: 32,
  BAD_SEQNO: 33,
  BAD_SUBWALLET: 34,
  BAD_SIGNATURE: 35,
  EXPIRED: 36,
  TOO_MANY_MESSAGES: 37,
} as const;

/** contracts §2.4. */
export const WALLET_GET = { SEQNO: "seqno", PUBLIC_KEY: "publicKey", SUBWALLET_ID: "subwalletId" } as const;

export interface WalletInit {
  /** The owner's raw ed25519 public key (32 bytes). */
  publicKey: Uint8Array;
  /** Lets one key own several wallets at distinct addresses (0..2^32-1), as in TON. */
  subwalletId: bigint;
  seqno?: bigint;
}

/** Storage (contracts §2.1): `00 → [publicKey, subwalletId]`, `01 → seqno`. */
export function walletStorage(init: WalletInit): StorageEntry[] {
  assertBytes(init.publicKey, 32, "publicKey");
  assertUint(init.subwalletId, 32, "subwalletId");
  const seqno = init.seqno ?? 0n;
  assertUint(seqno, 64, "seqno");
  return [
    { key: STATIC_KEY.slice(), value: [init.publicKey.slice(), init.subwalletId] },
    { key: SEQNO_KEY.slice(), value: seqno },
  ];
}

export interface WalletTransfer {
  subwalletId: bigint;
  /** Unix seconds: refused once the block time is past it. */
  validUntil: bigint;
  /** The wallet's current seqno. */
  seqno: bigint;
  messages: readonly OutMessage[];
}

/** The signed part. Schema: `[subwalletId, validUntil, seqno, messages]`. */
export function walletSigned(t: WalletTransfer): Value {
  assertUint(t.subwalletId, 32, "subwalletId");
  assertUint(t.validUntil, 64, "validUntil");
  assertUint(t.seqno, 64, "seqno");
  return [t.subwalletId, t.validUntil, t.seqno, outMessagesValue(t.messages, true)];
}

/** The body of the external message. Schema: `[signature (64 Bytes), signed]`. */
export function walletTransferBody(t: WalletTransfer, signer: Signer): Value {
  const signed = walletSigned(t);
  return [signValue(signed, signer), signed];
}
