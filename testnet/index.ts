// testnet/: the local network for contract developers (README "Quick start"): its funded test
// wallets, its genesis, and the validator processes `gram testnet up` runs.
export {
  TEST_ACCOUNTS,
  TEST_BALANCE_NANO,
  TEST_MNEMONIC,
  type TestAccount,
  testAccounts,
  testKeyPair,
} from "./accounts.ts";
export { TestnetError, type TestnetErrorCode } from "./errors.ts";
export { TESTNET_FEES, TESTNET_NETWORK, TESTNET_STAKE_NANO, testnetGenesis } from "./genesis.ts";
export {
  createNetwork,
  LOG_FILE,
  type NetworkNode,
  nodeDirName,
  openNetwork,
  removeNetwork,
} from "./layout.ts";
export { type FollowedFile, followFiles, tailLines } from "./logs.ts";
export {
  MANIFEST_FILE,
  type ManifestNode,
  readManifest,
  type TestnetManifest,
  writeManifest,
} from "./manifest.ts";
export {
  assertBasePort,
  assertBlockTimeMs,
  assertValidators,
  DEFAULT_BASE_PORT,
  DEFAULT_VALIDATORS,
  MAX_BLOCK_TIME_MS,
  MAX_VALIDATORS,
  MIN_BASE_PORT,
  P2P_PORT_OFFSET,
} from "./options.ts";
export { freeBasePort, freePort, isPortFree } from "./ports.ts";
export type { NodeCommand, Stopped } from "./processes.ts";
export { type ChainInfo, chainInfoOf } from "./readiness.ts";
export { type DownResult, type NodeStatus, testnetDown, testnetStatus } from "./status.ts";
export {
  exitText,
  type NodeExit,
  type RunningNodeProcess,
  type RunningTestnet,
  type TestnetUpOptions,
  testnetUp,
} from "./up.ts";
