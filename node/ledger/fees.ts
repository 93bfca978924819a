// Fee arithmetic (ledger §5): integers only, prices per 65,536 units as TON's, fees rounded up and
// what a balance buys rounded down, so the chain never gives away a fraction of a nanogram.
import type { Fees } from "./schemas.ts";

const UNIT = 65_536n;

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function nonNegative(name: string, v: bigint): void {
  if (typeof v !== "bigint" || v < 0n)
    throw new RangeError(`${name} must be a non-negative bigint, got ${v}`);
}

/** ledger §5.1: the fee for `gas` units. */
export function gasFee(fees: Fees, gas: bigint): bigint {
  nonNegative("gas", gas);
  return ceilDiv(gas * fees.gasPrice, UNIT);
}

/** ledger §5.1: the gas `available` nanograms buy, capped by the config's limit. */
export function gasBought(fees: Fees, available: bigint): bigint {
  nonNegative("available", available);
  if (fees.gasPrice === 0n) return fees.gasLimit;
  const gas = (available * UNIT) / fees.gasPrice;
  return gas < fees.gasLimit ? gas : fees.gasLimit;
}

/** ledger §5.2: rent for `bytes` kept from `lastPaid` to `now` (nothing when time went back). */
export function storageFee(fees: Fees, bytes: bigint, lastPaid: bigint, now: bigint): bigint {
  nonNegative("bytes", bytes);
  if (now <= lastPaid) return 0n;
  return ceilDiv(bytes * (now - lastPaid) * fees.storagePrice, UNIT);
}

/** ledger §5.3: the cost of sending a message whose encoding (fee fields zeroed) is `bytes` long. */
export function forwardFee(fees: Fees, bytes: bigint): bigint {
  nonNegative("bytes", bytes);
  return fees.fwdLump + ceilDiv(bytes * fees.fwdBytePrice, UNIT);
}
