// The state of one run, shared by the opcode handlers. Handlers trap on every contract error;
// the interpreter loop has already charged base gas and checked the static stack effect.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { toHex } from "../hex.ts";
import type { Host, RunContext, StorageReader } from "../host.ts";
import { MAX_ACTIONS, MAX_STACK } from "../limits.ts";
import type { Program } from "../programTypes.ts";
import type { Action } from "../result.ts";
import { type Int, type Item, Tuple, toItem } from "../values.ts";

/** A storage slot as the run sees it: the key and its current value (null: absent). */
export interface Slot {
  key: Uint8Array;
  value: Item;
  written: boolean;
}

export class Machine {
  readonly stack: Item[] = [];
  readonly calls: number[] = [];
  readonly program: Program;
  readonly host: Host;
  readonly ctx: RunContext;
  readonly storage: StorageReader;
  readonly slots = new Map<string, Slot>();
  readonly actions: Action[] = [];
  readonly debug: ((line: string) => void) | undefined;
  readonly readOnly: boolean;
  pc = 0;
  steps = 0;
  gasLeft: number;
  /** The limit in force: the external credit until ACCEPT, then the bought limit. */
  gasLimit: number;
  readonly boughtGas: number;
  accepted: boolean;
  /** End the run at ACCEPT (RunOptions.stopAtAccept). */
  readonly stopAtAccept: boolean;
  halted = false;

  constructor(opts: {
    program: Program;
    host: Host;
    ctx: RunContext;
    storage: StorageReader;
    debug: ((line: string) => void) | undefined;
    readOnly: boolean;
    gasLimit: number;
    gasCredit: number | null;
    stopAtAccept?: boolean;
  }) {
    this.program = opts.program;
    this.host = opts.host;
    this.ctx = opts.ctx;
    this.storage = opts.storage;
    this.debug = opts.debug;
    this.readOnly = opts.readOnly;
    this.boughtGas = opts.gasLimit;
    this.accepted = opts.gasCredit === null;
    this.stopAtAccept = opts.stopAtAccept === true;
    this.gasLimit = opts.gasCredit === null ? opts.gasLimit : Math.min(opts.gasCredit, opts.gasLimit);
    this.gasLeft = this.gasLimit;
  }

  /** Charges size-priced gas (vm §4.1). */
  charge(gas: number): void {
    this.gasLeft -= gas;
    if (this.gasLeft < 0) trap(EXIT.OUT_OF_GAS);
  }

  /** Traps unless `n` more items are on the stack. */
  need(n: number): void {
    if (this.stack.length < n) trap(EXIT.STACK_UNDERFLOW);
  }

  /** Traps unless the stack has room for `n` more items. */
  room(n: number): void {
    if (this.stack.length + n > MAX_STACK) trap(EXIT.STACK_OVERFLOW);
  }

  pop(): Item {
    return this.stack.pop() as Item;
  }

  push(v: Item): void {
    this.stack.push(v);
  }

  popInt(): Int {
    const v = this.stack.pop() as Item;
    if (typeof v !== "number" && typeof v !== "bigint") trap(EXIT.TYPE);
    return v;
  }

  /** An Int that must lie in [lo, hi] (small ranges: counts, indices, modes). */
  popSmall(lo: number, hi: number): number {
    const v = this.popInt();
    if (typeof v !== "number" || v < lo || v > hi) trap(EXIT.RANGE);
    return v;
  }

  popBytes(): Uint8Array {
    const v = this.stack.pop() as Item;
    if (!(v instanceof Uint8Array)) trap(EXIT.TYPE);
    return v;
  }

  popTuple(): Tuple {
    const v = this.stack.pop() as Item;
    if (!(v instanceof Tuple)) trap(EXIT.TYPE);
    return v;
  }

  /** Truth of a condition: any Int but 0 (vm §2.2). */
  popBool(): boolean {
    const v = this.popInt();
    return v !== 0;
  }

  /** The current value of a storage key (vm §4.9), read through the overlay. */
  slot(key: Uint8Array): Slot {
    const id = toHex(key);
    let s = this.slots.get(id);
    if (s === undefined) {
      const v = this.storage.get(key);
      s = { key, value: v === undefined ? null : toItem(v, "storage value"), written: false };
      this.slots.set(id, s);
    }
    return s;
  }

  addAction(a: Action): void {
    if (this.readOnly) trap(EXIT.READ_ONLY);
    if (this.actions.length >= MAX_ACTIONS) trap(EXIT.ACTION_LIMIT);
    this.actions.push(a);
  }
}
