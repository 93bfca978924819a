// The action phase (ledger §6.5): the actions of a successful run, in order, against the balance
// left after gas. One failure undoes them all unless its send mode says "ignore errors"; the
// caller then undoes the run's storage writes too.

import { type Action, type InitAction, loadProgram, SEND_MODE, type Value } from "../../vm/index.ts";
import { equalBytes } from "../bytes/index.ts";
import { encode, t } from "../codec/index.ts";
import {
  accountId,
  type Fees,
  forwardFee,
  fromVmAddress,
  type LedgerAddress,
  MAX_CODE_BYTES,
  Message,
  type StateInit,
} from "../ledger/index.ts";
import { codeError } from "../system/index.ts";
import { stateInitFromVm } from "./stateInit.ts";
import { ACTION_FAIL, type ActionPhase } from "./transaction.ts";

const U64_MAX = (1n << 64n) - 1n;

/** Reserve modes (vm §4.11, as TON): +1 all but the amount, +2 at most what is there, +4 add the balance before the run, +8 negate. */
const RESERVE = { ALL_BUT: 1, AT_MOST: 2, PLUS_ORIGINAL: 4, NEGATE: 8 } as const;

export interface ActionInput {
  actions: readonly Action[];
  /** The balance after the compute phase. */
  balance: bigint;
  /** What is left of the inbound message's value after gas: what mode 64 carries on. */
  inboundLeft: bigint;
  self: LedgerAddress;
  now: bigint;
  lt: bigint;
  fees: Fees;
}

export interface ActionOutcome {
  phase: ActionPhase;
  balance: bigint;
  messages: Message[];
  code: Uint8Array | null;
  destroy: boolean;
  /** A failed send asked (mode +16) for the inbound message to bounce. */
  bounce: boolean;
}

class ActionFailure {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

export function runActions(input: ActionInput): ActionOutcome {
  const { fees, self, now, lt } = input;
  const original = input.balance;
  let balance = original;
  let reserved = 0n;
  let inboundLeft = input.inboundLeft;
  let fwdFees = 0n;
  let code: Uint8Array | null = null;
  let destroy = false;
  const messages: Message[] = [];

  const fail = (index: number, code: number, bounce: boolean): ActionOutcome => ({
    phase: {
      success: false,
      resultCode: code,
      failedAction: index,
      actions: input.actions.length,
      messagesSent: 0,
      fwdFees: 0n,
    },
    balance: original,
    messages: [],
    code: null,
    destroy: false,
    bounce,
  });

  for (let i = 0; i < input.actions.length; i++) {
    const a = input.actions[i];
    const ignoreErrors = a.type === "send" && (a.mode & SEND_MODE.IGNORE_ERRORS) !== 0;
    try {
      switch (a.type) {
        case "reserve": {
          let amount = a.amount;
          if (a.mode & RESERVE.PLUS_ORIGINAL) amount += original;
          if (a.mode & RESERVE.NEGATE) amount = -amount;
          if (amount < 0n) throw new ActionFailure(ACTION_FAIL.BAD_RESERVE);
          const free = balance - reserved;
          let keep = a.mode & RESERVE.ALL_BUT ? free - amount : amount;
          if (keep < 0n) keep = 0n;
          if (keep > free) {
            if (!(a.mode & RESERVE.AT_MOST)) throw new ActionFailure(ACTION_FAIL.NOT_ENOUGH_BALANCE);
            keep = free;
          }
          reserved += keep;
          break;
        }
        case "send": {
          const dest = fromVmAddress(a.dest);
          if (dest === null) throw new ActionFailure(ACTION_FAIL.BAD_DESTINATION);
          const free = balance - reserved;
          let value = a.value;
          if (a.mode & SEND_MODE.CARRY_ALL_BALANCE) value = free;
          else if (a.mode & SEND_MODE.CARRY_INBOUND_VALUE) {
            value += inboundLeft;
            inboundLeft = 0n;
          }
          if (value > U64_MAX) throw new ActionFailure(ACTION_FAIL.VALUE_TOO_LARGE);
          const init = a.init === undefined ? null : initFor(a.init, dest);
          const body = encodeBody(a.body);
          const message: Message = {
            kind: "internal",
            src: self,
            dest,
            value: 0n,
            fwdFee: 0n,
            bounce: (a.mode & SEND_MODE.NON_BOUNCEABLE) === 0,
            bounced: false,
            body,
            init,
            createdLt: 0n,
            createdAt: now,
          };
          const fwd = forwardFee(fees, BigInt(encode(Message, message).length));
          const separately = (a.mode & SEND_MODE.PAY_FEES_SEPARATELY) !== 0;
          const cost = separately ? value + fwd : value;
          if (cost > free || (!separately && value < fwd)) {
            if (ignoreErrors) continue;
            throw new ActionFailure(ACTION_FAIL.NOT_ENOUGH_BALANCE);
          }
          balance -= cost;
          fwdFees += fwd;
          messages.push({
            ...message,
            value: separately ? value : value - fwd,
            fwdFee: fwd,
            createdLt: lt + 1n + BigInt(messages.length),
          });
          if (a.mode & SEND_MODE.DESTROY_IF_ZERO && balance === 0n) destroy = true;
          break;
        }
        case "setCode": {
          try {
            loadProgram(a.code);
          } catch {
            throw new ActionFailure(ACTION_FAIL.BAD_CODE);
          }
          code = a.code;
          break;
        }
        case "event": {
          const message: Message = {
            kind: "externalOut",
            src: self,
            body: encodeBody(a.data),
            createdLt: lt + 1n + BigInt(messages.length),
            createdAt: now,
          };
          const fwd = forwardFee(fees, BigInt(encode(Message, message).length));
          if (fwd > balance - reserved) throw new ActionFailure(ACTION_FAIL.NOT_ENOUGH_BALANCE);
          balance -= fwd;
          fwdFees += fwd;
          messages.push(message);
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof ActionFailure)) throw e;
      if (ignoreErrors) continue;
      const bounce = a.type === "send" && (a.mode & SEND_MODE.BOUNCE_ON_ACTION_FAIL) !== 0;
      return fail(i, e.code, bounce);
    }
  }
  return {
    phase: {
      success: true,
      resultCode: 0,
      failedAction: 0,
      actions: input.actions.length,
      messagesSent: messages.length,
      fwdFees,
    },
    balance,
    messages,
    code,
    destroy,
    bounce: false,
  };
}

/** The ledger's init of a SENDINIT, which must load and must be the destination's (ledger §6.5). */
function initFor(init: InitAction, dest: LedgerAddress): StateInit {
  // A native image of a contract anyone may deploy (a pool, staking §7) loads too.
  if (init.code.length > MAX_CODE_BYTES || codeError(init.code) !== null)
    throw new ActionFailure(ACTION_FAIL.BAD_CODE);
  let ledgerInit: StateInit;
  try {
    ledgerInit = stateInitFromVm(init);
  } catch {
    throw new ActionFailure(ACTION_FAIL.BAD_INIT);
  }
  if (!equalBytes(accountId(ledgerInit), dest.id)) throw new ActionFailure(ACTION_FAIL.BAD_INIT);
  return ledgerInit;
}

function encodeBody(v: Value): Uint8Array {
  return encode(t.vmValue, v);
}
