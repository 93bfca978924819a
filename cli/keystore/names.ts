// Wallet names are file names, so they are kept to a set that is safe on every file system and
// in every shell: no path separators, no dots, no spaces.
import { KeystoreError } from "./errors.ts";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function isWalletName(name: string): boolean {
  return typeof name === "string" && NAME.test(name);
}

export function assertWalletName(name: string): void {
  if (isWalletName(name)) return;
  const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 80)) : String(name);
  throw new KeystoreError(
    "KEYSTORE_BAD_NAME",
    `wallet name ${shown} is not allowed; use 1 to 64 letters, digits, '_' or '-'`,
  );
}
