// The hard bounds of one VM run (vm §6). They are protocol constants: every node must refuse
// the same programs and values, so none of them comes from options.

/** Largest and smallest Int (vm §2.1): signed 257-bit. */
export const INT_MAX = (1n << 256n) - 1n;
export const INT_MIN = -(1n << 256n);
/** Items on the operand stack. */
export const MAX_STACK = 1024;
/** Nested CALLs. */
export const MAX_CALL_DEPTH = 256;
/** Items in one Tuple. */
export const MAX_TUPLE_ITEMS = 255;
/** Tuples nested in one value: a Tuple of no Tuples has depth 1. Bounds every walk over a value. */
export const MAX_TUPLE_DEPTH = 256;
/** Size of one value in size units (vm §2.5). */
export const MAX_VALUE_SIZE = 65_536;
/** Bytes of the instruction stream of a program (jump targets are u16). */
export const MAX_CODE_BYTES = 65_535;
/** Entry points and get-methods of one program. */
export const MAX_ENTRIES = 255;
/** Instructions executed in one run, whatever their gas. */
export const MAX_STEPS = 16_777_216;
/** Gas limit of one run. */
export const MAX_GAS = 1_000_000_000n;
/** Bytes of one storage key. */
export const MAX_KEY_BYTES = 128;
/** Actions (messages, reserves, code changes, events) of one run. */
export const MAX_ACTIONS = 255;
