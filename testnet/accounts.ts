// The local testnet's funded accounts (testnet §1): the standard wallets of one published test
// mnemonic with subwallet ids 0..9. The phrase is public by design — anyone may spend these
// Grams on a local network — and must never hold value anywhere else.
import { fromHex } from "../node/bytes/index.ts";
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

/**
 * The phrase's public key, as `testKeyPair` derives it (testnet.test.ts checks that the two agree).
 * The wallets' addresses, and so a new network's genesis, need only this; deriving it takes
 * 100,000 rounds of PBKDF2, 0.1 s of every `gram testnet up` before its first validator started.
 */
export const TEST_PUBLIC_KEY = fromHex("5ab4e7c33bb0363d073d78b5f8db04f6ced1b25e2999382cbe190277a6abbc7b")!;

let testKey: ReturnType<typeof mnemonicToKeyPair> | undefined;

/** The test mnemonic's key pair, derived once (100,000 rounds of PBKDF2 each time otherwise). */
export function testKeyPair(): ReturnType<typeof mnemonicToKeyPair> {
  testKey ??= mnemonicToKeyPair(TEST_MNEMONIC.split(" "));
  return testKey;
}

export function testAccounts(): TestAccount[] {
  return Array.from({ length: TEST_ACCOUNTS }, (_, index) => ({
    index,
    publicKey: TEST_PUBLIC_KEY,
    address: walletAddress(TEST_PUBLIC_KEY, BigInt(index)),
  }));
}
