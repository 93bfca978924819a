// Proof of possession (staking §3.2): a stake names a validator key and carries that key's
// signature over the election and the wallet that stakes, so no one can stake with, or for, a
// key they do not hold, and a signature for one election or wallet is worth nothing in another.
import { encode, t } from "../../codec/index.ts";
import { LedgerAddress } from "../../ledger/index.ts";

/** As consensus signs its votes (consensus §3.2): the domain is the first field of what is signed. */
const StakeProof = t.struct("StakeProof", {
  domain: t.string(64),
  network: t.bytes(32),
  electAt: t.u64,
  wallet: LedgerAddress,
});

/** The bytes a validator key signs to stake from `wallet` in the election for round `electAt`. */
export function stakeProofMessage(network: Uint8Array, electAt: bigint, wallet: LedgerAddress): Uint8Array {
  return encode(StakeProof, { domain: "gram/stake", network, electAt, wallet }).slice();
}
