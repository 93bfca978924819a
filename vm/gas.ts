// The size-priced part of the gas table (vm §4.1). Base prices live in the opcode table.

/** Gas per started 32-byte word of bytes copied or compared. */
export const G_COPY_WORD = 1;
/** Gas per started 32-byte word hashed (SHA256, HASH). */
export const G_HASH_WORD = 6;
/** Gas per byte read from storage (key and value). */
export const G_SLOAD_BYTE = 1;
/** Gas per byte written to storage (key and value). */
export const G_SSTORE_BYTE = 10;
/** Gas per byte of an action's payload (message body, event, new code). */
export const G_ACTION_BYTE = 1;

/** Started 32-byte words in `n` bytes. */
export function words(n: number): number {
  return (n + 31) >>> 5;
}
