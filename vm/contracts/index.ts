// The standard contracts (contracts §1): their code, and the helpers that build their storage
// and message bodies. Pure values in and out; keys and the canonical hash come from the caller.
export { type ContractCode, counterCode, multisigCode, walletCode } from "./code.ts";
export { COUNTER_EXIT, COUNTER_GET, COUNTER_KEY, counterAddBody, counterStorage } from "./counter.ts";
export {
  MAX_OWNERS,
  MULTISIG_EXIT,
  MULTISIG_GET,
  type MultisigInit,
  type MultisigOrder,
  multisigBody,
  multisigOrderValue,
  multisigStorage,
  type OwnerSignature,
  signMultisigOrder,
} from "./multisig.ts";
export {
  ADDRESS_BYTES,
  initValue,
  isSendMode,
  MAX_OUT_MESSAGES,
  type OutMessage,
  outMessagesValue,
} from "./outMessages.ts";
export { SIGNATURE_BYTES, type Signer, signValue } from "./signer.ts";
export { SEQNO_KEY, STATIC_KEY, type StorageEntry } from "./storage.ts";
export {
  WALLET_EXIT,
  WALLET_GET,
  type WalletInit,
  type WalletTransfer,
  walletSigned,
  walletStorage,
  walletTransferBody,
} from "./wallet.ts";
