// What a system contract learns of the chain: the CONFIG parameters every contract reads (chain
// §3.4), here the whole parameter set and the validator set in force, each one Bytes value of its
// codec encoding. Decoded once per config: the chain hands the same arrays to every run.
import type { Value } from "../../vm/index.ts";
import { decode, type Infer, t } from "../codec/index.ts";
import { ConfigParams, MAX_VALIDATORS } from "./params.ts";

export const Validator = t.struct("Validator", { publicKey: t.bytes(32), stake: t.u64 });
export type Validator = Infer<typeof Validator>;
/** The set in force and its round (staking §2.2): votes count per round (config §4.2). */
export const ValidatorList = t.struct("ValidatorList", {
  since: t.u64,
  until: t.u64,
  members: t.list(Validator, MAX_VALIDATORS),
});
export type ValidatorList = Infer<typeof ValidatorList>;

/** CONFIG parameter numbers (chain §3.4). */
export const CONFIG_PARAM = {
  GENESIS: 0n,
  FEES: 1n,
  LIMITS: 2n,
  VALIDATOR_TOTALS: 3n,
  /** Bytes: encode(ConfigParams, …). */
  PARAMS: 4n,
  /** Bytes: encode(ValidatorList, …), the set in force. */
  VALIDATORS: 5n,
} as const;

type ConfigReader = (id: bigint) => Value | null;

const decoded = new WeakMap<Uint8Array, unknown>();

function bytesParam<T>(config: ConfigReader, id: bigint, read: (b: Uint8Array) => T): T {
  const v = config(id);
  if (!(v instanceof Uint8Array)) throw new Error(`CONFIG ${id} is not set: a system contract needs it`);
  let d = decoded.get(v) as T | undefined;
  if (d === undefined) {
    d = read(v);
    decoded.set(v, d);
  }
  return d;
}

export function readParams(config: ConfigReader): ConfigParams {
  return bytesParam(config, CONFIG_PARAM.PARAMS, (b) => decode(ConfigParams, b));
}

export function readValidators(config: ConfigReader): ValidatorList {
  return bytesParam(config, CONFIG_PARAM.VALIDATORS, (b) => decode(ValidatorList, b));
}

export function readGenesis(config: ConfigReader): Uint8Array {
  const v = config(CONFIG_PARAM.GENESIS);
  if (!Array.isArray(v) || !(v[0] instanceof Uint8Array)) throw new Error("CONFIG 0 is not set");
  return v[0];
}
