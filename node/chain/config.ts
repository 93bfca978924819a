// The chain's config (chain §3): fee prices, block limits and the validator set. Every
// masterchain header names the hash of the config in force, so a client that trusts a signed
// header can trust the prices and the validators. Changing it by vote comes with the config
// contract; until then it is the genesis config.
import type { Value } from "../../vm/index.ts";
import { type Infer, t } from "../codec/index.ts";
import { Fees } from "../ledger/index.ts";

export const MAX_VALIDATORS = 1_000;

export const Validator = t.struct("Validator", { publicKey: t.bytes(32), stake: t.u64 });
export type Validator = Infer<typeof Validator>;

export const ChainConfig = t.struct("ChainConfig", {
  fees: Fees,
  /** Most transactions in one block (chain §4.2), at most MAX_BLOCK_TRANSACTIONS. */
  maxBlockTransactions: t.u32,
  /** The gas a get-method run over RPC may use. */
  getMethodGasLimit: t.u64,
  validators: t.list(Validator, MAX_VALIDATORS),
});
export type ChainConfig = Infer<typeof ChainConfig>;

/**
 * The config as contracts read it with CONFIG (chain §3.4, vm §4.10): parameters by number, each
 * a VM value made from the config in force and the network's genesis, so every node answers alike.
 */
export function configParams(config: ChainConfig, genesisHash: Uint8Array): ReadonlyMap<bigint, Value> {
  const f = config.fees;
  let totalStake = 0n;
  for (const v of config.validators) totalStake += v.stake;
  return new Map<bigint, Value>([
    [0n, [genesisHash.slice()]],
    [
      1n,
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
    [2n, [BigInt(config.maxBlockTransactions), config.getMethodGasLimit]],
    [3n, [BigInt(config.validators.length), totalStake]],
  ]);
}
