// The protocol parameters (config §2): their typed schema, their names, the range of each, and
// the rules between them. The config contract keeps them; a proposal names one parameter by its
// name and gives a new integer value, and a value outside its range or that breaks a rule between
// parameters is refused when it is proposed, before anyone votes (config §4).
import { type Infer, t } from "../codec/index.ts";
import { Fees } from "../ledger/index.ts";

/** Most validators any set may hold (consensus §2). */
export const MAX_VALIDATORS = 1_000;
/** Most transactions one block may hold (chain §2.4). */
const MAX_BLOCK_TRANSACTIONS = 20_000;
/** Gas of one run at most (vm §6). */
const MAX_GAS = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
/** Shares are in millionths. */
export const PPM = 1_000_000n;

export const Elections = t.struct("Elections", {
  /** How long an elected set validates (TON's validators_elected_for). */
  roundSeconds: t.u32,
  /** Elections for the next set open this long before the current set's round ends. */
  openBefore: t.u32,
  /** …and close this long before it, when the winners are picked. */
  closeBefore: t.u32,
  /** A winner's stake stays frozen this long after its round ends (TON's stake_held_for). */
  holdSeconds: t.u32,
});

export const ValidatorCounts = t.struct("ValidatorCounts", { min: t.u16, max: t.u16 });

export const Stakes = t.struct("Stakes", {
  /** Nanograms: the smallest stake an election takes. */
  min: t.u64,
  /** The largest stake that counts; the rest is returned. */
  max: t.u64,
  /** An election whose winners hold less in all fails. */
  minTotal: t.u64,
  /** 16.16 fixed point: no winner counts more than this times the smallest winner's stake. */
  maxFactor: t.u32,
});

export const Rewards = t.struct("Rewards", {
  /** Nanograms minted per second of masterchain time, paid to the validators (staking §5). */
  mintPerSecond: t.u64,
  /** Millionths of the collected fees burned rather than paid out. */
  feeBurnPpm: t.u32,
  /** Millionths of an offender's stake taken for double signing (staking §6). */
  finePpm: t.u32,
});

export const VotingRounds = t.struct("VotingRounds", {
  /** Rounds a proposal must win (votes of 3/4 of the stake) to pass. */
  minWins: t.u8,
  /** Rounds it may lose before it fails. */
  maxLosses: t.u8,
});

export const Voting = t.struct("Voting", {
  /** Nanograms a proposal costs; it goes to the validators' rewards. */
  proposalFee: t.u64,
  /** The longest a proposal may stay open. */
  maxSeconds: t.u32,
  normal: VotingRounds,
  /** Election timing, validator counts, stakes and voting itself (config §3). */
  critical: VotingRounds,
});

/** The fields of the parameters, in the order they are encoded (config §2). */
export const PARAM_FIELDS = {
  fees: Fees,
  /** Most transactions in one block (chain §4.2). */
  maxBlockTransactions: t.u32,
  /** The gas a get-method run over RPC may use. */
  getMethodGasLimit: t.u64,
  elections: Elections,
  validatorCounts: ValidatorCounts,
  stakes: Stakes,
  rewards: Rewards,
  voting: Voting,
} as const;

export const ConfigParams = t.struct("ConfigParams", PARAM_FIELDS);
export type ConfigParams = Infer<typeof ConfigParams>;

const GRAM = 1_000_000_000n;

/** The parameters a genesis file may leave out (config §2): TON's mainnet choices, scaled. */
export const DEFAULT_GOVERNANCE: Pick<
  ConfigParams,
  "elections" | "validatorCounts" | "stakes" | "rewards" | "voting"
> = {
  elections: { roundSeconds: 65_536, openBefore: 32_768, closeBefore: 8_192, holdSeconds: 32_768 },
  validatorCounts: { min: 1, max: 400 },
  stakes: { min: 10_000n * GRAM, max: 10_000_000n * GRAM, minTotal: 10_000n * GRAM, maxFactor: 3 * 65_536 },
  rewards: { mintPerSecond: GRAM, feeBurnPpm: 500_000, finePpm: 100_000 },
  voting: {
    proposalFee: 10n * GRAM,
    maxSeconds: 7 * 86_400,
    normal: { minWins: 2, maxLosses: 2 },
    critical: { minWins: 4, maxLosses: 2 },
  },
};

type Section = keyof ConfigParams;

/** One parameter a proposal may change: where it is, its range, and whether it is critical. */
export interface ParamSpec {
  name: string;
  /** Its top-level field of ConfigParams. */
  section: Section;
  /** JSON: u64 amounts are decimal strings, smaller integers numbers. */
  type: "u64" | "u32" | "u16" | "u8";
  min: bigint;
  max: bigint;
  critical: boolean;
}

const spec = (
  name: string,
  type: ParamSpec["type"],
  min: bigint,
  max: bigint,
  critical = false,
): ParamSpec => {
  const section = name.split(".")[0] as Section;
  return { name, section, type, min, max, critical };
};

const U32_MAX = 0xffff_ffffn;
const DAY = 86_400n;

/** Every parameter by name (config §2), in the order `gram config get` lists them. */
export const PARAMS: readonly ParamSpec[] = [
  spec("fees.gasPrice", "u64", 1n, U64_MAX),
  spec("fees.gasLimit", "u64", 200_000n, MAX_GAS),
  spec("fees.gasCredit", "u64", 0n, MAX_GAS),
  spec("fees.storagePrice", "u64", 0n, U64_MAX),
  spec("fees.fwdLump", "u64", 0n, U64_MAX),
  spec("fees.fwdBytePrice", "u64", 0n, U64_MAX),
  spec("fees.freezeDue", "u64", 0n, U64_MAX),
  spec("fees.deleteDue", "u64", 0n, U64_MAX),
  spec("maxBlockTransactions", "u32", 1n, BigInt(MAX_BLOCK_TRANSACTIONS)),
  spec("getMethodGasLimit", "u64", 1_000n, MAX_GAS),
  spec("elections.roundSeconds", "u32", 30n, 365n * DAY, true),
  spec("elections.openBefore", "u32", 2n, 365n * DAY, true),
  spec("elections.closeBefore", "u32", 1n, 365n * DAY, true),
  spec("elections.holdSeconds", "u32", 0n, 365n * DAY, true),
  spec("validatorCounts.min", "u16", 1n, BigInt(MAX_VALIDATORS), true),
  spec("validatorCounts.max", "u16", 1n, BigInt(MAX_VALIDATORS), true),
  spec("stakes.min", "u64", 1n, U64_MAX, true),
  spec("stakes.max", "u64", 1n, U64_MAX, true),
  spec("stakes.minTotal", "u64", 0n, U64_MAX, true),
  spec("stakes.maxFactor", "u32", 65_536n, 100n * 65_536n, true),
  // At most 10 Grams a second: the supply is a u64 of nanograms, 18.4 billion Grams in all.
  spec("rewards.mintPerSecond", "u64", 0n, 10n * 1_000_000_000n),
  spec("rewards.feeBurnPpm", "u32", 0n, PPM),
  spec("rewards.finePpm", "u32", 0n, PPM),
  spec("voting.proposalFee", "u64", 0n, U64_MAX, true),
  spec("voting.maxSeconds", "u32", 60n, U32_MAX, true),
  spec("voting.normal.minWins", "u8", 1n, 20n, true),
  spec("voting.normal.maxLosses", "u8", 0n, 20n, true),
  spec("voting.critical.minWins", "u8", 1n, 20n, true),
  spec("voting.critical.maxLosses", "u8", 0n, 20n, true),
];

const BY_NAME = new Map(PARAMS.map((p) => [p.name, p]));

export function paramSpec(name: string): ParamSpec | null {
  return BY_NAME.get(name) ?? null;
}

/** A parameter's value, as an integer whatever its width. */
export function getParam(params: ConfigParams, name: string): bigint {
  const s = paramSpec(name);
  if (s === null) throw new RangeError(`name: no parameter ${name}`);
  let v: unknown = params;
  for (const part of name.split(".")) v = (v as Record<string, unknown>)[part];
  return BigInt(v as bigint | number);
}

/** `params` with one parameter changed; the value must already be in its range. */
export function withParam(params: ConfigParams, name: string, value: bigint): ConfigParams {
  const s = paramSpec(name);
  if (s === null) throw new RangeError(`name: no parameter ${name}`);
  if (value < s.min || value > s.max) throw new RangeError(`value: ${value} is outside ${name}'s range`);
  const typed = s.type === "u64" ? value : Number(value);
  const parts = name.split(".");
  const set = (o: Record<string, unknown>, i: number): Record<string, unknown> => ({
    ...o,
    [parts[i]]: i === parts.length - 1 ? typed : set(o[parts[i]] as Record<string, unknown>, i + 1),
  });
  return set(params as unknown as Record<string, unknown>, 0) as unknown as ConfigParams;
}

/**
 * Why `params` cannot be in force (config §2.2), or null: every value in its range, and the
 * rules between them that keep the chain running.
 */
export function paramsError(params: ConfigParams): string | null {
  for (const s of PARAMS) {
    const v = getParam(params, s.name);
    if (v < s.min || v > s.max) return `${s.name} must be between ${s.min} and ${s.max}, not ${v}`;
  }
  const { fees, elections: e, validatorCounts: c, stakes } = params;
  if (fees.gasCredit > fees.gasLimit) return "fees.gasCredit must not exceed fees.gasLimit";
  if (fees.deleteDue < fees.freezeDue) return "fees.deleteDue must not be below fees.freezeDue";
  if (!(e.closeBefore < e.openBefore && e.openBefore < e.roundSeconds))
    return "elections must open before they close, within a round: closeBefore < openBefore < roundSeconds";
  if (c.min > c.max) return "validatorCounts.min must not exceed validatorCounts.max";
  // The elector keeps the frozen stakes of at most 16 rounds (staking §2.1).
  if (BigInt(e.holdSeconds) >= 15n * BigInt(e.roundSeconds))
    return "elections.holdSeconds must be under 15 times elections.roundSeconds";
  if (stakes.min > stakes.max) return "stakes.min must not exceed stakes.max";
  return null;
}

/** A parameter's value as JSON: u64 amounts as decimal strings (rpc §2.1), the rest numbers. */
export function paramJson(params: ConfigParams, s: ParamSpec): string | number {
  const v = getParam(params, s.name);
  return s.type === "u64" ? v.toString() : Number(v);
}
