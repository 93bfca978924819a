// The VM's 36-byte address (vm §4.10: workchain as big-endian i32, then the account id) and the
// ledger's (ledger §4).
import type { LedgerAddress } from "../ledger/index.ts";

export const VM_ADDRESS_BYTES = 36;
/** Workchains a message may be sent to (one basechain for now, and the masterchain). */
export const KNOWN_WORKCHAINS: readonly bigint[] = [-1n, 0n];

export function toVmAddress(a: LedgerAddress): Uint8Array {
  const out = new Uint8Array(VM_ADDRESS_BYTES);
  new DataView(out.buffer).setInt32(0, Number(a.workchain));
  out.set(a.id, 4);
  return out;
}

/** The ledger address of VM address bytes, or null when they name no known workchain. */
export function fromVmAddress(bytes: Uint8Array): LedgerAddress | null {
  if (bytes.length !== VM_ADDRESS_BYTES) return null;
  const workchain = BigInt(new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0));
  if (!KNOWN_WORKCHAINS.includes(workchain)) return null;
  return { workchain, id: bytes.slice(4) };
}
