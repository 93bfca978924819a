// The local testnet's funded accounts (testnet §1): the standard wallets of one published test
// mnemonic with subwallet ids 0..9. The phrase is public by design — anyone may spend these
// Grams on a local network — and must never hold value anywhere else.
import { mnemonicToKeyPair } from "../node/mnemonic/index.ts";
import { walletAddress } from "../node/wallet/index.ts";

export const TEST_MNEMONIC =
  "plunge allow jump remove deny robot task odor control entry snake hover trouble canal tobacco curve employ blue upper detail alpha afraid salt obey";
export const TEST_ACCOUNTS = 10;
/** Each test wallet starts with one million Grams. */
export const TEST_BALANCE_NANO = 1_000_000n * 1_000_000_000n;

export interface TestAccount {
  index: number;
  publicKey: Uint8Array;
  address: { workchain: bigint; id: Uint8Array };
}

let testKey: ReturnType<typeof mnemonicToKeyPair> | undefined;

/** The test mnemonic's key pair, derived once (100,000 rounds of PBKDF2 each time otherwise). */
export function testKeyPair(): ReturnType<typeof mnemonicToKeyPair> {
  testKey ??= mnemonicToKeyPair(TEST_MNEMONIC.split(" "));
  return testKey;
}

export function testAccounts(): TestAccount[] {
  const key = testKeyPair();
  return Array.from({ length: TEST_ACCOUNTS }, (_, index) => ({
    index,
    publicKey: key.publicKey,
    address: walletAddress(key.publicKey, BigInt(index)),
  }));
}
