// cli/keystore: the user's wallets on disk, each phrase encrypted under a password (scrypt,
// AES-256-GCM), and where that password comes from. Commands that sign unlock wallets here.
export { KeystoreError, type KeystoreErrorCode } from "./errors.ts";
export { gramHome } from "./home.ts";
export {
  type CreateWalletOptions,
  type Keystore,
  type KeystoreOptions,
  openKeystore,
  type UnlockedWallet,
  type WalletInfo,
} from "./keystore.ts";
export { assertWalletName, isWalletName } from "./names.ts";
export { type PasswordRequest, readPassword } from "./password.ts";
export { DEFAULT_SCRYPT, type ScryptCost } from "./seal.ts";
