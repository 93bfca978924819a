// node/chain: blocks, genesis, the collator and the chain a node keeps (specs/chain.md).
export {
  Block,
  BlockHeader,
  type BlockRef,
  blockHash,
  MAX_BLOCK_TRANSACTIONS,
  MAX_EVIDENCE,
  merklePath,
  merkleRoot,
  merkleRootOfPath,
  SHARD_ALL,
  type ShardDescr,
} from "./block.ts";
export { Candidate } from "./candidate.ts";
export {
  BASECHAIN,
  type BlockSigner,
  Chain,
  type ChainOptions,
  type DryRunner,
  finalityError,
  keySigner,
  MASTERCHAIN,
  MAX_ROUND_MESSAGE_BYTES,
  MC_CHAIN,
  type RoundCandidate,
  type RoundResult,
} from "./chain.ts";
export { type ExternalMessage, refusalText } from "./collate.ts";
export { ChainConfig, type Validator } from "./config.ts";
export { ChainError, type ChainErrorCode } from "./errors.ts";
export { type Genesis, type GenesisAccount, genesisToJson, parseGenesis, WORKCHAINS } from "./genesis.ts";
export { type MessageStatus, PREFIX, type TxRecord } from "./records.ts";
