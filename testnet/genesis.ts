// The genesis of a local testnet: prices close to TON's basechain, one validator holding all
// stake, and the funded test wallets, pre-deployed so they can send at once.
import type { Genesis } from "../node/chain/index.ts";
import type { Fees } from "../node/ledger/index.ts";
import { TEST_BALANCE_NANO, testAccounts } from "./accounts.ts";

const GRAM = 1_000_000_000n;

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

export function testnetGenesis(validatorPublicKey: Uint8Array, time: bigint): Genesis {
  return {
    network: "gram-local",
    time,
    config: {
      fees: TESTNET_FEES,
      maxBlockTransactions: 10_000,
      getMethodGasLimit: 1_000_000n,
      validators: [{ publicKey: validatorPublicKey, stake: 1_000_000n * GRAM }],
    },
    accounts: testAccounts().map((a) => ({
      address: a.address,
      balance: TEST_BALANCE_NANO,
      wallet: { publicKey: a.publicKey, subwalletId: BigInt(a.index) },
    })),
  };
}
