// Fees for tests of execution and of the chain: round prices (400 nanograms per gas) that make
// every fee visible in a test's arithmetic.
import type { Fees } from "./schemas.ts";

export const GRAM = 1_000_000_000n;

export const testFees: Fees = {
  gasPrice: 26_214_400n,
  gasLimit: 1_000_000n,
  gasCredit: 10_000n,
  storagePrice: 1n,
  fwdLump: 400_000n,
  fwdBytePrice: 26_214_400n,
  freezeDue: GRAM,
  deleteDue: 10n * GRAM,
};
