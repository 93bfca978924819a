// The chain's config (chain §3): the protocol parameters the config contract keeps (config §2)
// and the validator set the elector put in force (staking §2.2). Every masterchain header names
// the hash of the config in force, so a client that trusts a signed header can trust the prices
// and the validators. After each masterchain block the chain reads both again from the two
// contracts when the block changed them, and the next block runs under what it read.
import type { StorageReader, Value } from "../../vm/index.ts";
import { compareBytes } from "../bytes/index.ts";
import { encode, type Infer, t } from "../codec/index.ts";
import {
  CONFIG_KEYS,
  CONFIG_PARAM,
  ConfigParams,
  ConfigVersion,
  ELECTOR_KEYS,
  MAX_VALIDATORS,
  PARAM_FIELDS,
  Storage,
  Validator,
  ValidatorList,
  ValidatorRound,
} from "../system/index.ts";

export { MAX_VALIDATORS, Validator };

export const ChainConfig = t.struct("ChainConfig", {
  /** Changes made by vote so far (config §1). */
  version: t.u64,
  ...PARAM_FIELDS,
  /** The set in force, in ascending key order, and the round it validates (staking §2.2). */
  validators: t.list(Validator, MAX_VALIDATORS),
  validatorsSince: t.u64,
  validatorsUntil: t.u64,
});
export type ChainConfig = Infer<typeof ChainConfig>;

/**
 * The config the two system contracts hold (chain §3.2): the parameters from the config contract,
 * the set in force from the elector, its members in ascending key order (consensus §2.1).
 */
export function chainConfigOf(configStorage: StorageReader, electorStorage: StorageReader): ChainConfig {
  const kept = new Storage(configStorage).read(CONFIG_KEYS.params, ConfigVersion);
  const round = new Storage(electorStorage).read(ELECTOR_KEYS.current, ValidatorRound);
  if (kept === null || round === null) throw new Error("the system contracts hold no config");
  return {
    version: kept.version,
    ...kept.params,
    validators: [...round.members]
      .sort((a, b) => compareBytes(a.publicKey, b.publicKey))
      .map((m) => ({ publicKey: m.publicKey, stake: m.stake })),
    validatorsSince: round.since,
    validatorsUntil: round.until,
  };
}

/** The parameters alone, as the config contract keeps them: the fields of PARAM_FIELDS. */
export function paramsOf(c: ChainConfig): ConfigParams {
  return Object.fromEntries(
    Object.keys(PARAM_FIELDS).map((k) => [k, c[k as keyof ConfigParams]]),
  ) as ConfigParams;
}

/**
 * The config as contracts read it with CONFIG (chain §3.4, vm §4.10): parameters by number, each
 * a VM value made from the config in force and the network's genesis, so every node answers alike.
 */
export function configParams(config: ChainConfig, genesisHash: Uint8Array): ReadonlyMap<bigint, Value> {
  const f = config.fees;
  let totalStake = 0n;
  for (const v of config.validators) totalStake += v.stake;
  return new Map<bigint, Value>([
    [CONFIG_PARAM.GENESIS, [genesisHash.slice()]],
    [
      CONFIG_PARAM.FEES,
      [
        f.gasPrice,
        f.gasLimit,
        f.gasCredit,
        f.storagePrice,
        f.fwdLump,
        f.fwdBytePrice,
        f.freezeDue,
        f.deleteDue,
      ],
    ],
    [CONFIG_PARAM.LIMITS, [BigInt(config.maxBlockTransactions), config.getMethodGasLimit]],
    [CONFIG_PARAM.VALIDATOR_TOTALS, [BigInt(config.validators.length), totalStake]],
    [CONFIG_PARAM.PARAMS, encode(ConfigParams, paramsOf(config)).slice()],
    [
      CONFIG_PARAM.VALIDATORS,
      encode(ValidatorList, {
        since: config.validatorsSince,
        until: config.validatorsUntil,
        members: config.validators,
      }).slice(),
    ],
  ]);
}
