// Exit codes (vm §5): how a run ended. Below 32 the VM's own; 32..65535 are user THROWs.

export const EXIT = {
  OK: 0,
  STACK_UNDERFLOW: 2,
  STACK_OVERFLOW: 3,
  INT_OVERFLOW: 4,
  RANGE: 5,
  BAD_OPCODE: 6,
  TYPE: 7,
  VALUE_TOO_LARGE: 8,
  CALL_DEPTH: 9,
  STEP_LIMIT: 10,
  NO_ENTRY: 11,
  READ_ONLY: 12,
  OUT_OF_GAS: 13,
  ACTION_LIMIT: 14,
} as const;

export type ExitName = keyof typeof EXIT;

/** The smallest code a THROW may carry: the ones below belong to the VM. */
export const MIN_USER_EXIT = 32;
export const MAX_USER_EXIT = 65_535;
