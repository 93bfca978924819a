// node/datadir: the files of a node's data directory and its first initialization.
export {
  FILES,
  initDataDir,
  isInitialized,
  readGenesis,
  readKey,
  readNodeKey,
  writeFileAtomic,
  writeNodeConfig,
  writeNodeKey,
} from "./dataDir.ts";
export {
  type ConsensusConfig,
  DEFAULT_CONSENSUS,
  defaultNodeConfig,
  type NodeConfig,
  parseNodeConfig,
  readNodeConfig,
} from "./nodeConfig.ts";
