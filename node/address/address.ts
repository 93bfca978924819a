// The address value itself: which workchain, which account (specs/address.md §1). Text forms
// live in raw.ts and friendly.ts; this file holds what both share.
export interface Address {
  /** -1 is the masterchain, 0.. are workchains; one signed byte (-128..127) so every form holds it. */
  workchain: number;
  /** The 32-byte account id: the hash of the account's initial state. */
  hash: Uint8Array;
}

export const MASTERCHAIN = -1;
export const BASECHAIN = 0;
export const ADDRESS_HASH_BYTES = 32;
export const MIN_WORKCHAIN = -128;
export const MAX_WORKCHAIN = 127;

export const isWorkchain = (n: number): boolean =>
  Number.isInteger(n) && n >= MIN_WORKCHAIN && n <= MAX_WORKCHAIN;

/** Misuse check at the public boundary: an Address built by our own code, not parsed input. */
export function assertAddress(a: Address, name: string): void {
  if (typeof a !== "object" || a === null) throw new TypeError(`${name} must be an Address, got ${a}`);
  if (!isWorkchain(a.workchain)) {
    throw new RangeError(
      `${name}.workchain must be an integer in ${MIN_WORKCHAIN}..${MAX_WORKCHAIN}, got ${a.workchain}`,
    );
  }
  if (!(a.hash instanceof Uint8Array)) throw new TypeError(`${name}.hash must be a Uint8Array`);
  if (a.hash.length !== ADDRESS_HASH_BYTES) {
    throw new RangeError(`${name}.hash must be ${ADDRESS_HASH_BYTES} bytes, got ${a.hash.length}`);
  }
}

export function addressEquals(a: Address, b: Address): boolean {
  assertAddress(a, "a");
  assertAddress(b, "b");
  if (a.workchain !== b.workchain) return false;
  for (let i = 0; i < ADDRESS_HASH_BYTES; i++) if (a.hash[i] !== b.hash[i]) return false;
  return true;
}
