// testnet/: the local network for contract developers (README "Quick start"): its funded test
// wallets, its genesis, and the node processes `gram testnet up` runs: validators, and spares that
// follow the chain until they stake and win an election.
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
export { LOG_FILE, nodeDirName } from "./layout.ts";
export { followFiles, tailLines } from "./logs.ts";
export { MANIFEST_FILE, readManifest, type TestnetManifest, writeManifest } from "./manifest.ts";
export {
  assertBasePort,
  assertNodeCounts,
  DEFAULT_BASE_PORT,
  DEFAULT_SPARE,
  DEFAULT_VALIDATORS,
  MAX_BLOCK_TIME_MS,
  MAX_NODES,
  MAX_SPARE,
  MAX_VALIDATORS,
  nodesText,
} from "./options.ts";
export { freeBasePort, freePort } from "./ports.ts";
export type { NodeCommand } from "./processes.ts";
export type { NodeRole } from "./roles.ts";
export { type NodeStatus, requireManifest, testnetDown, testnetStatus } from "./status.ts";
export {
  exitText,
  type NodeExit,
  type RunningNodeProcess,
  type RunningTestnet,
  type TestnetUpOptions,
  testnetUp,
} from "./up.ts";
