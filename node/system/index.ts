// node/system: the system contracts in native code (DESIGN §5; specs/staking.md, specs/config.md):
// the config contract and the elector, the parameters they keep, and the records the chain and
// the RPC read from their storage.
export { CHAIN_ADDRESS, CONFIG_ADDRESS, ELECTOR_ADDRESS, isSystemAccount } from "./addresses.ts";
export { SYSTEM_EXIT } from "./body.ts";
export { CONFIG_EXIT, CONFIG_EXIT_TEXT, CONFIG_OP, voteMessage } from "./config/contract.ts";
export { CONFIG_KEYS, ConfigVersion, MAX_PROPOSALS, Proposal, Proposals } from "./config/state.ts";
export { CONFIG_PARAM, readValidators, Validator, ValidatorList } from "./context.ts";
export { ELECTOR_EXIT, ELECTOR_EXIT_TEXT, ELECTOR_OP, electorDueAt } from "./elector/contract.ts";
export { stakeProofMessage } from "./elector/proof.ts";
export { selectValidators } from "./elector/select.ts";
export {
  ELECTOR_KEYS,
  Election,
  ElectorBook,
  FrozenRounds,
  Member,
  ValidatorRound,
} from "./elector/state.ts";
export { nativeCode } from "./native.ts";
export {
  ConfigParams,
  DEFAULT_GOVERNANCE,
  getParam,
  MAX_VALIDATORS,
  PARAM_FIELDS,
  PARAMS,
  type ParamSpec,
  PPM,
  paramJson,
  paramSpec,
  paramsError,
  withParam,
} from "./params.ts";
export {
  POOL_EXIT,
  POOL_EXIT_TEXT,
  POOL_LIMITS,
  POOL_OP,
  poolAddress,
  poolStateInit,
} from "./pool/contract.ts";
export { MAX_NOMINATORS, Nominator, POOL_KEYS, PoolConfig, PoolState } from "./pool/state.ts";
export { Storage, storageKey } from "./records.ts";
export { type ContractRun, codeError, nativeOf, runContract } from "./registry.ts";
