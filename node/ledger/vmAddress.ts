// The VM's 36-byte address (vm §4.10: workchain as big-endian i32, then the account id) and the
// ledger's (ledger §4).
import type { LedgerAddress } from "./schemas.ts";

export const VM_ADDRESS_BYTES = 36;
/** Workchains a message may be sent to (one basechain for now, and the masterchain). */
export const KNOWN_WORKCHAINS: readonly bigint[] = [-1n, 0n];

// The workchain is written and read byte by byte: a DataView needs the array's buffer, and asking
// a 36-byte array for it makes V8 move its bytes off the heap, an allocation per address.
export function toVmAddress(a: LedgerAddress): Uint8Array {
  const out = new Uint8Array(VM_ADDRESS_BYTES);
  const wc = Number(a.workchain);
  out[0] = wc >>> 24;
  out[1] = wc >>> 16;
  out[2] = wc >>> 8;
  out[3] = wc;
  out.set(a.id, 4);
  return out;
}

/** The ledger address of VM address bytes, or null when they name no known workchain. */
export function fromVmAddress(bytes: Uint8Array): LedgerAddress | null {
  if (bytes.length !== VM_ADDRESS_BYTES) return null;
  const workchain = BigInt((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]);
  if (!KNOWN_WORKCHAINS.includes(workchain)) return null;
  return { workchain, id: bytes.slice(4) };
}
