// The ledger's protocol objects (ledger §2–§5) as codec schemas: one encoding each, so their
// hashes are what blocks, proofs and signatures commit to.
import { type Infer, t } from "../codec/index.ts";

/** Longest program image: the VM's header with 255 entries of 64-byte names, and a full body. */
export const MAX_CODE_BYTES = 65_800;
/** Longest encoding of one VM value (codec §8.3). */
export const MAX_VALUE_ENCODING_BYTES = 98_304;
export const MAX_STORAGE_KEY_BYTES = 128;
export const MAX_INIT_ENTRIES = 4_096;

/** ledger §2.2: code and initial storage; its hash is the account id. */
export const StateInit = t.struct("StateInit", {
  code: t.varBytes(MAX_CODE_BYTES),
  data: t.sortedMap(
    t.varBytes(MAX_STORAGE_KEY_BYTES),
    t.varBytes(MAX_VALUE_ENCODING_BYTES),
    MAX_INIT_ENTRIES,
  ),
});
export type StateInit = Infer<typeof StateInit>;

/** ledger §4: a workchain (−128..127, address §1) and a 32-byte account id. */
export const LedgerAddress = t.struct("Address", { workchain: t.i64, id: t.bytes(32) });
export type LedgerAddress = Infer<typeof LedgerAddress>;

/** ledger §3.1. */
export const AccountStatus = t.variant("AccountStatus", {
  uninit: t.struct("Uninit", {}),
  active: t.struct("Active", { codeHash: t.bytes(32), storageRoot: t.bytes(32) }),
  frozen: t.struct("Frozen", { codeHash: t.bytes(32), storageRoot: t.bytes(32) }),
});
export type AccountStatus = Infer<typeof AccountStatus>;

export const Account = t.struct("Account", {
  balance: t.u64,
  status: AccountStatus,
  storageBytes: t.u32,
  lastPaid: t.u64,
  storageDue: t.u64,
  lastLt: t.u64,
  lastTxHash: t.bytes(32),
});
export type Account = Infer<typeof Account>;

/** ledger §4. */
export const Message = t.variant("Message", {
  internal: t.struct("Internal", {
    src: LedgerAddress,
    dest: LedgerAddress,
    value: t.u64,
    fwdFee: t.u64,
    bounce: t.bool,
    bounced: t.bool,
    body: t.varBytes(MAX_VALUE_ENCODING_BYTES),
    init: t.optional(StateInit),
    createdLt: t.u64,
    createdAt: t.u64,
  }),
  externalIn: t.struct("ExternalIn", {
    dest: LedgerAddress,
    body: t.varBytes(MAX_VALUE_ENCODING_BYTES),
    init: t.optional(StateInit),
  }),
  externalOut: t.struct("ExternalOut", {
    src: LedgerAddress,
    body: t.varBytes(MAX_VALUE_ENCODING_BYTES),
    createdLt: t.u64,
    createdAt: t.u64,
  }),
});
export type Message = Infer<typeof Message>;

/** ledger §6.6: the first item of a bounced message's body, as TON's 0xffffffff prefix. */
export const BOUNCE_TAG = 0xffffffffn;

/** ledger §5: the config parameter `fees`. */
export const Fees = t.struct("Fees", {
  gasPrice: t.u64,
  gasLimit: t.u64,
  gasCredit: t.u64,
  storagePrice: t.u64,
  fwdLump: t.u64,
  fwdBytePrice: t.u64,
  freezeDue: t.u64,
  deleteDue: t.u64,
});
export type Fees = Infer<typeof Fees>;
