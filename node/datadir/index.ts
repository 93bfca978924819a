// node/datadir: the files of a node's data directory and its first initialization.
export { FILES, initDataDir, isInitialized, readGenesis, readKey, writeFileAtomic } from "./dataDir.ts";
