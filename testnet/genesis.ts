// The genesis of a local testnet: prices close to TON's basechain, its validators with equal
// stakes, and the funded test wallets, pre-deployed so they can send at once.
import type { Genesis } from "../node/chain/index.ts";
import type { Fees } from "../node/ledger/index.ts";
import type { ConfigParams } from "../node/system/index.ts";
import { TEST_BALANCE_NANO, testAccounts } from "./accounts.ts";

const GRAM = 1_000_000_000n;

/** The network name of every local testnet: the faucet refuses any other. */
export const TESTNET_NETWORK = "gram-local";

export const TESTNET_FEES: Fees = {
  gasPrice: 26_214_400n, // 400 nanograms per gas unit (prices are per 65,536 units, ledger §5)
  gasLimit: 1_000_000n,
  gasCredit: 10_000n,
  storagePrice: 1_000n, // about 1.3 nanograms per byte per day
  fwdLump: 400_000n,
  fwdBytePrice: 26_214_400n,
  freezeDue: GRAM / 10n,
  deleteDue: GRAM,
};

/**
 * Elections and votes on a testnet's clock (config §2): a validator round of a minute, so a whole
 * cycle — stake, election, the new set, stakes back — takes a few minutes. At least as many
 * validators as the testnet starts with, so a stray stake cannot elect a set that runs no nodes.
 */
export function testnetGovernance(
  validators: number,
): Pick<ConfigParams, "elections" | "validatorCounts" | "stakes" | "rewards" | "voting"> {
  return {
    elections: { roundSeconds: 60, openBefore: 45, closeBefore: 15, holdSeconds: 15 },
    validatorCounts: { min: validators, max: 100 },
    stakes: { min: 10_000n * GRAM, max: 10_000_000n * GRAM, minTotal: 10_000n * GRAM, maxFactor: 3 * 65_536 },
    rewards: { mintPerSecond: GRAM, feeBurnPpm: 500_000, finePpm: 100_000 },
    voting: {
      proposalFee: GRAM,
      maxSeconds: 3_600,
      normal: { minWins: 1, maxLosses: 2 },
      critical: { minWins: 2, maxLosses: 2 },
    },
  };
}

/** Each validator's stake: equal for all, so any 2/3 of them by count is 2/3 of the stake. */
export const TESTNET_STAKE_NANO = 1_000_000n * GRAM;

export function testnetGenesis(validatorPublicKeys: readonly Uint8Array[], time: bigint): Genesis {
  if (!Array.isArray(validatorPublicKeys) || validatorPublicKeys.length === 0)
    throw new RangeError(
      `validatorPublicKeys must be a non-empty list, got ${Array.isArray(validatorPublicKeys) ? "an empty list" : typeof validatorPublicKeys}`,
    );
  return {
    network: TESTNET_NETWORK,
    time,
    config: {
      fees: TESTNET_FEES,
      maxBlockTransactions: 10_000,
      getMethodGasLimit: 1_000_000n,
      ...testnetGovernance(validatorPublicKeys.length),
      validators: validatorPublicKeys.map((publicKey) => ({ publicKey, stake: TESTNET_STAKE_NANO })),
    },
    accounts: testAccounts().map((a) => ({
      address: a.address,
      balance: TEST_BALANCE_NANO,
      wallet: { publicKey: a.publicKey, subwalletId: BigInt(a.index) },
    })),
  };
}
