// testnet/: the local network for contract developers (README "Quick start").
export {
  TEST_ACCOUNTS,
  TEST_BALANCE_NANO,
  TEST_MNEMONIC,
  type TestAccount,
  testAccounts,
  testKeyPair,
} from "./accounts.ts";
export { TESTNET_FEES, testnetGenesis } from "./genesis.ts";
export { freePort } from "./ports.ts";
export { DEFAULT_TESTNET_PORT, type RunningTestnet, type TestnetOptions, testnetUp } from "./up.ts";
