// node/ledger: what an account, a message and a fee are (specs/ledger.md). Execution of
// transactions builds on these.
export { accountId } from "./accountId.ts";
export { forwardFee, gasBought, gasFee, storageFee } from "./fees.ts";
export {
  Account,
  AccountStatus,
  BOUNCE_TAG,
  Fees,
  LedgerAddress,
  MAX_CODE_BYTES,
  MAX_INIT_ENTRIES,
  MAX_STORAGE_KEY_BYTES,
  MAX_VALUE_ENCODING_BYTES,
  Message,
  StateInit,
} from "./schemas.ts";
export { fromVmAddress, KNOWN_WORKCHAINS, toVmAddress, VM_ADDRESS_BYTES } from "./vmAddress.ts";
