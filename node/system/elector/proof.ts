// Proof of possession (staking §3.2): a stake names a validator key and carries that key's
// signature over the election and the wallet that stakes, so no one can stake with, or for, a
// key they do not hold, and a signature for one election or wallet is worth nothing in another.
import { hashOf, t } from "../../codec/index.ts";
import { LedgerAddress } from "../../ledger/index.ts";

const StakeProof = t.struct("StakeProof", { network: t.bytes(32), electAt: t.u64, wallet: LedgerAddress });
const DOMAIN = new TextEncoder().encode("gram/stake/1");

/** The bytes a validator key signs to stake from `wallet` in the election for round `electAt`. */
export function stakeProofMessage(network: Uint8Array, electAt: bigint, wallet: LedgerAddress): Uint8Array {
  const h = hashOf(StakeProof, { network, electAt, wallet });
  const out = new Uint8Array(DOMAIN.length + h.length);
  out.set(DOMAIN, 0);
  out.set(h, DOMAIN.length);
  return out;
}
