// The VM's value rules that the codec enforces (vm §2, §2.5; codec §8). They are restated here
// rather than imported, so the codec stays free of vm/; node/vmhost's test checks that both agree.

/** A VM value as the host sees it: Int, Bytes, Tuple, Null (vm §2). */
export type VmValue = bigint | Uint8Array | readonly VmValue[] | null;

/** Size units of one value at most (vm §2.5): Null 1, Int 33, Bytes 3 + length, Tuple 2 + items. */
export const MAX_VALUE_SIZE = 65_536;
export const SIZE_NULL = 1;
export const SIZE_INT = 33;
export const SIZE_BYTES_HEADER = 3;
export const SIZE_TUPLE_HEADER = 2;

/** Items of one Tuple (vm §2.4). */
export const MAX_TUPLE_ITEMS = 255;
/** Tuples nested in one value (vm §2.4): a Tuple of no Tuples has depth 1. */
export const MAX_TUPLE_DEPTH = 256;
/** The longest Bytes the size rule leaves room for. */
export const MAX_BYTES_LENGTH = MAX_VALUE_SIZE - SIZE_BYTES_HEADER;

/** Int is signed 257-bit (vm §2.1). */
export const INT_MIN = -(2n ** 256n);
export const INT_MAX = 2n ** 256n - 1n;

/** Ints in this range are MessagePack integers (codec §3.1); the rest take the wide form. */
export const NARROW_MIN = -(2n ** 63n);
export const NARROW_MAX = 2n ** 64n - 1n;

/**
 * The longest encoding a value within the size rule can have: no form takes more than 1.5 bytes
 * per size unit (codec §8.3), so longer input is refused before it is read.
 */
export const VM_VALUE_MAX_BYTES = (MAX_VALUE_SIZE * 3) / 2;
