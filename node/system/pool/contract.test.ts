// The nominator pool run directly (staking §7): each operation with a fake context at the pool's
// own address, the refusals, and the split of a returned stake (fee on a profit, a fine shared,
// nothing made or lost).
import { describe, expect, test } from "vitest";
import {
  type Action,
  EXIT,
  RECV_EXTERNAL,
  RECV_INTERNAL,
  type RunResult,
  SEND_MODE,
  type Value,
} from "../../../vm/index.ts";
import { toHex } from "../../bytes/index.ts";
import { encode, t } from "../../codec/index.ts";
import { keyPairFromSeed, sha256, sign } from "../../crypto/index.ts";
import { stateInitFromVm } from "../../execution/index.ts";
import { accountId, BOUNCE_TAG, type LedgerAddress, toVmAddress } from "../../ledger/index.ts";
import { GRAM, testFees } from "../../ledger/testkit.ts";
import { vmHost } from "../../vmhost/index.ts";
import { deployAddress, transferMessage } from "../../wallet/index.ts";
import { ELECTOR_ADDRESS } from "../addresses.ts";
import { SYSTEM_EXIT } from "../body.ts";
import { CONFIG_PARAM, ValidatorList } from "../context.ts";
import { ELECTOR_OP } from "../elector/contract.ts";
import { stakeProofMessage } from "../elector/proof.ts";
import type { NativeInput } from "../native.ts";
import { ConfigParams, DEFAULT_GOVERNANCE, PPM } from "../params.ts";
import { Storage } from "../records.ts";
import { nativeOf } from "../registry.ts";
import {
  POOL_EXIT,
  POOL_EXIT_TEXT,
  POOL_LIMITS,
  POOL_OP,
  poolAddress,
  poolContract,
  poolStateInit,
  settle,
} from "./contract.ts";
import { type Nominator, POOL_KEYS, type PoolConfig, PoolState } from "./state.ts";

const key = (seed: string) => keyPairFromSeed(sha256(new TextEncoder().encode(seed)));
const validator = key("pool validator");
const addr = (byte: number, workchain = 0n): LedgerAddress => ({
  workchain,
  id: new Uint8Array(32).fill(byte),
});
const OWNER = addr(0xa1);
const BOB = addr(0xb0);
const CAROL = addr(0xc0);
const STRANGER = addr(0xee);
const GENESIS = new Uint8Array(32).fill(7);
const CONFIG: PoolConfig = { validatorKey: validator.publicKey, owner: OWNER, feePpm: 100_000 };
const POOL = poolAddress(CONFIG);
const ELECTOR_VM = toVmAddress(ELECTOR_ADDRESS);

/** Elections as the chain test's: the set in force ends at UNTIL, its election is open 45 s before. */
const UNTIL = 1_000_060n;
const OPEN = UNTIL - 30n;
const PARAMS: ConfigParams = {
  ...DEFAULT_GOVERNANCE,
  fees: testFees,
  maxBlockTransactions: 1_000,
  getMethodGasLimit: 100_000n,
  elections: { roundSeconds: 60, openBefore: 45, closeBefore: 15, holdSeconds: 15 },
  stakes: { ...DEFAULT_GOVERNANCE.stakes, min: 1_000n * GRAM },
};

const CONFIG_VALUES = new Map<bigint, Value>([
  [CONFIG_PARAM.GENESIS, [GENESIS]],
  [CONFIG_PARAM.PARAMS, encode(ConfigParams, PARAMS).slice()],
  [
    CONFIG_PARAM.VALIDATORS,
    encode(ValidatorList, {
      since: UNTIL - 60n,
      until: UNTIL,
      members: [{ publicKey: validator.publicKey, stake: 1n }],
    }).slice(),
  ],
]);

interface Msg {
  sender?: LedgerAddress | null;
  value?: bigint;
  now?: bigint;
  gasLimit?: bigint;
  address?: LedgerAddress;
}

/** A pool's storage and balance, changed by each run that succeeds, as a transaction would. */
class FakePool {
  readonly store = new Map<string, { key: Uint8Array; value: Value }>();
  balance = 0n;

  constructor(config: PoolConfig = CONFIG) {
    for (const e of poolStateInit(config).data) this.store.set(toHex(e.key), { key: e.key, value: e.value });
  }

  get storage() {
    return { get: (k: Uint8Array) => this.store.get(toHex(k))?.value };
  }

  run(entry: string, stack: Value[], m: Msg = {}): RunResult {
    const value = m.value ?? 0n;
    const internal = entry === RECV_INTERNAL;
    if (internal) this.balance += value;
    const input: NativeInput = {
      entry,
      stack,
      storage: this.storage,
      context: {
        address: toVmAddress(m.address ?? POOL),
        balance: this.balance,
        msgValue: value,
        sender: m.sender === undefined || m.sender === null ? null : toVmAddress(m.sender),
        now: m.now ?? OPEN,
        lt: 1n,
        seed: new Uint8Array(32),
        config: (id) => CONFIG_VALUES.get(id) ?? null,
      },
      host: vmHost,
      gasLimit: m.gasLimit ?? 1_000_000n,
      stopAtAccept: false,
    };
    const r = poolContract(input);
    if (r.exitCode === EXIT.OK && (internal || entry === RECV_EXTERNAL)) {
      for (const c of r.storage) {
        if (c.value === null) this.store.delete(toHex(c.key));
        else this.store.set(toHex(c.key), { key: c.key, value: c.value });
      }
      for (const a of r.actions) if (a.type === "send") this.balance -= a.value;
    }
    return r;
  }

  send(sender: LedgerAddress, body: Value, value = 0n, now = OPEN): RunResult {
    return this.run(RECV_INTERNAL, [body], { sender, value, now });
  }

  state(): PoolState {
    return (
      new Storage(this.storage).read(POOL_KEYS.state, PoolState) ?? {
        staked: 0n,
        electAt: 0n,
        nominators: [],
      }
    );
  }

  share(wallet: LedgerAddress): bigint {
    const r = this.run("deposit", [toVmAddress(wallet)]);
    expect(r.exitCode).toBe(0);
    return r.stack[0] as bigint;
  }

  status(): Value[] {
    const r = this.run("status", []);
    expect(r.exitCode).toBe(0);
    return r.stack;
  }
}

const proofFor = (wallet: LedgerAddress, electAt = UNTIL, k = validator) =>
  sign(stakeProofMessage(GENESIS, electAt, wallet), k.secretKey);

const sends = (r: RunResult) =>
  r.actions.filter((a): a is Extract<Action, { type: "send" }> => a.type === "send");

/** A pool with BOB's 3,000 Grams and CAROL's 1,000 (less the deposit fee) and a reserve. */
function funded(): FakePool {
  const p = new FakePool();
  expect(p.send(BOB, [POOL_OP.DEPOSIT], 3_000n * GRAM).exitCode).toBe(0);
  expect(p.send(CAROL, [POOL_OP.DEPOSIT], 1_000n * GRAM).exitCode).toBe(0);
  expect(p.send(OWNER, [POOL_OP.TOP_UP], 2n * GRAM).exitCode).toBe(0);
  return p;
}

const BOB0 = 3_000n * GRAM - POOL_LIMITS.DEPOSIT_FEE;
const CAROL0 = 1_000n * GRAM - POOL_LIMITS.DEPOSIT_FEE;

function staked(): FakePool {
  const p = funded();
  const r = p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM);
  expect(r.exitCode).toBe(0);
  return p;
}

describe("the pool's address and init", () => {
  test("the address is the hash of the StateInit a wallet would send", () => {
    const init = poolStateInit(CONFIG);
    expect(init.code).toEqual(new Uint8Array([0x47, 0x4e, 0x01, ...new TextEncoder().encode("pool")]));
    expect(nativeOf(init.code)).toBe(poolContract);
    expect(POOL).toEqual(deployAddress(init));
    expect(POOL.id).toEqual(accountId(stateInitFromVm(init)));
    expect(poolAddress(CONFIG, -1n)).toEqual({ workchain: -1n, id: POOL.id });
    expect(poolAddress({ ...CONFIG, feePpm: 0 }).id).not.toEqual(POOL.id);
  });

  test("a wallet deploys it: its order may carry the pool's init, to the pool's address only", () => {
    const order = (to: LedgerAddress) =>
      transferMessage({
        key: key("a wallet"),
        subwalletId: 0n,
        seqno: 0n,
        validUntil: 2_000_000n,
        payments: [{ to, valueNano: 2n * GRAM, init: poolStateInit(CONFIG), body: [POOL_OP.TOP_UP] }],
      });
    expect(order(POOL).kind).toBe("externalIn");
    expect(() => order(addr(9))).toThrow(RangeError);
  });

  test("a config out of range is refused", () => {
    expect(() => poolStateInit({ ...CONFIG, feePpm: 1_000_001 })).toThrow(RangeError);
    expect(() => poolStateInit({ ...CONFIG, validatorKey: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => poolStateInit({ ...CONFIG, owner: addr(1, 5n) })).toThrow(RangeError);
    expect(() => poolStateInit({ ...CONFIG, feePpm: Number(PPM) })).not.toThrow();
  });

  test("every exit code has its text, all from 130", () => {
    for (const code of Object.values(POOL_EXIT)) {
      expect(code).toBeGreaterThanOrEqual(130);
      expect(POOL_EXIT_TEXT[code]).toMatch(/\w/);
    }
  });
});

describe("where and how the pool runs", () => {
  test("its code runs only at the address of its own config", () => {
    const p = new FakePool();
    const r = p.run(RECV_INTERNAL, [[POOL_OP.DEPOSIT]], { sender: BOB, value: 5n * GRAM, address: addr(9) });
    expect(r).toMatchObject({ exitCode: SYSTEM_EXIT.NOT_HOME, accepted: true, storage: [] });
    const other = new FakePool({ ...CONFIG, feePpm: 1 });
    expect(other.run(RECV_INTERNAL, [[POOL_OP.DEPOSIT]], { sender: BOB, value: 5n * GRAM }).exitCode).toBe(
      SYSTEM_EXIT.NOT_HOME,
    );
  });

  test("data that is not a pool config is refused", () => {
    const p = new FakePool();
    p.store.clear();
    expect(p.send(BOB, [POOL_OP.DEPOSIT], 5n * GRAM).exitCode).toBe(POOL_EXIT.BAD_CONFIG);
    p.store.set(toHex(POOL_KEYS.config), { key: POOL_KEYS.config, value: new Uint8Array([1, 2, 3]) });
    expect(p.send(BOB, [POOL_OP.DEPOSIT], 5n * GRAM).exitCode).toBe(POOL_EXIT.BAD_CONFIG);
  });

  test("it takes no external message, not even in its first run", () => {
    const p = new FakePool();
    p.balance = 5n * GRAM;
    for (const body of [[POOL_OP.TOP_UP], [POOL_OP.DEPOSIT], [0x44706c79n], null] as Value[]) {
      expect(p.run(RECV_EXTERNAL, [body])).toMatchObject({
        exitCode: SYSTEM_EXIT.NO_EXTERNALS,
        accepted: false,
        storage: [],
        actions: [],
      });
    }
    expect(p.store.has(toHex(POOL_KEYS.state))).toBe(false);
    expect(p.send(BOB, [POOL_OP.TOP_UP], GRAM).exitCode).toBe(0);
    expect(p.run(RECV_EXTERNAL, [[POOL_OP.TOP_UP]]).accepted).toBe(false);
  });

  test("the deploying message's run finds no book: it is empty, and TOP_UP or DEPOSIT works", () => {
    const topped = new FakePool();
    expect(topped.store.has(toHex(POOL_KEYS.state))).toBe(false);
    expect(topped.status()).toEqual([validator.publicKey, toVmAddress(OWNER), 100_000n, 0n, 0n, 0n]);
    expect(topped.send(OWNER, [POOL_OP.TOP_UP], 2n * GRAM).exitCode).toBe(0);
    expect(topped.store.has(toHex(POOL_KEYS.state))).toBe(true);
    expect(topped.state()).toEqual({ staked: 0n, electAt: 0n, nominators: [] });
    const deposited = new FakePool();
    expect(deposited.send(BOB, [POOL_OP.DEPOSIT], 5n * GRAM).exitCode).toBe(0);
    expect(deposited.state()).toEqual({
      staked: 0n,
      electAt: 0n,
      nominators: [
        { wallet: BOB, amount: 5n * GRAM - POOL_LIMITS.DEPOSIT_FEE, pending: 0n, withdraw: false },
      ],
    });
  });

  test("a body that is no operation bounces; a run without the gas is out of gas", () => {
    const p = new FakePool();
    expect(p.send(BOB, null, GRAM).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.send(BOB, [12345n], GRAM).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.send(BOB, [POOL_OP.DEPOSIT, 1n], 5n * GRAM).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    const r = p.run(RECV_INTERNAL, [[POOL_OP.DEPOSIT]], { sender: BOB, value: 5n * GRAM, gasLimit: 100n });
    expect(r).toMatchObject({ exitCode: EXIT.OUT_OF_GAS, gasUsed: 100n });
    expect(p.state().nominators).toEqual([]);
  });
});

describe("deposits and withdrawals", () => {
  test("a deposit of at least 1 Gram joins the sender's share, less the deposit fee", () => {
    const p = new FakePool();
    expect(p.send(BOB, [POOL_OP.DEPOSIT], GRAM - 1n).exitCode).toBe(POOL_EXIT.DEPOSIT_TOO_SMALL);
    expect(p.send(BOB, [POOL_OP.DEPOSIT], GRAM).exitCode).toBe(0);
    expect(p.send(BOB, [POOL_OP.DEPOSIT], 10n * GRAM).exitCode).toBe(0);
    expect(p.share(BOB)).toBe(11n * GRAM - 2n * POOL_LIMITS.DEPOSIT_FEE);
    expect(p.share(CAROL)).toBe(0n);
    expect(p.status()).toEqual([
      validator.publicKey,
      toVmAddress(OWNER),
      100_000n,
      0n,
      11n * GRAM - 2n * POOL_LIMITS.DEPOSIT_FEE,
      1n,
    ]);
  });

  test("with nothing staked, a withdrawal pays the whole share at once, with the message's value", () => {
    const p = funded();
    expect(p.send(STRANGER, [POOL_OP.WITHDRAW], GRAM).exitCode).toBe(POOL_EXIT.NOT_NOMINATOR);
    const r = p.send(CAROL, [POOL_OP.WITHDRAW], GRAM);
    expect(r.exitCode).toBe(0);
    expect(sends(r)).toEqual([
      {
        type: "send",
        dest: toVmAddress(CAROL),
        value: CAROL0,
        body: [POOL_OP.PAID, CAROL0],
        mode: SEND_MODE.CARRY_INBOUND_VALUE | SEND_MODE.NON_BOUNCEABLE,
      },
    ]);
    expect(p.share(CAROL)).toBe(0n);
    expect(p.status()[5]).toBe(1n);
    expect(p.send(CAROL, [POOL_OP.WITHDRAW], GRAM).exitCode).toBe(POOL_EXIT.NOT_NOMINATOR);
  });

  test("the pool keeps at most 1,000 nominators, one place kept for the owner", () => {
    const p = new FakePool();
    const many: Nominator[] = Array.from({ length: POOL_LIMITS.MAX_NOMINATORS - 1 }, (_, i) => ({
      wallet: { workchain: 0n, id: sha256(Uint8Array.of(i >> 8, i & 0xff)) },
      amount: GRAM,
      pending: 0n,
      withdraw: false,
    }));
    const s = new Storage(p.storage);
    s.write(POOL_KEYS.state, PoolState, { staked: 0n, electAt: 0n, nominators: many });
    for (const c of s.changes()) p.store.set(toHex(c.key), { key: c.key, value: c.value as Value });
    expect(p.send(STRANGER, [POOL_OP.DEPOSIT], 2n * GRAM).exitCode).toBe(POOL_EXIT.TOO_MANY_NOMINATORS);
    expect(p.send(OWNER, [POOL_OP.DEPOSIT], 2n * GRAM).exitCode).toBe(0);
    expect(p.status()[5]).toBe(1_000n);
    // A nominator already in may add to its share.
    expect(p.send(many[0].wallet, [POOL_OP.DEPOSIT], 2n * GRAM).exitCode).toBe(0);
  });
});

describe("staking through the elector", () => {
  test("only the owner stakes, with the validator key's proof for the pool's address", () => {
    const p = funded();
    expect(p.send(BOB, [POOL_OP.STAKE, proofFor(POOL)], GRAM).exitCode).toBe(POOL_EXIT.NOT_OWNER);
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(OWNER)], GRAM).exitCode).toBe(POOL_EXIT.BAD_PROOF);
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL, UNTIL + 60n)], GRAM).exitCode).toBe(
      POOL_EXIT.BAD_PROOF,
    );
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL, UNTIL, key("other"))], GRAM).exitCode).toBe(
      POOL_EXIT.BAD_PROOF,
    );
    expect(p.send(OWNER, [POOL_OP.STAKE, new Uint8Array(63)], GRAM).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.state().staked).toBe(0n);
  });

  test("no stake before the election opens or after it closes", () => {
    const p = funded();
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM, UNTIL - 46n).exitCode).toBe(
      POOL_EXIT.NO_ELECTION,
    );
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM, UNTIL - 15n).exitCode).toBe(
      POOL_EXIT.NO_ELECTION,
    );
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM, UNTIL - 45n).exitCode).toBe(0);
  });

  test("the shares must reach the elector's minimum, and the reserve must stay", () => {
    const small = new FakePool();
    small.send(BOB, [POOL_OP.DEPOSIT], 999n * GRAM);
    small.send(OWNER, [POOL_OP.TOP_UP], 5n * GRAM);
    expect(small.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM).exitCode).toBe(POOL_EXIT.STAKE_TOO_SMALL);
    const p = new FakePool();
    p.send(BOB, [POOL_OP.DEPOSIT], 1_000n * GRAM + POOL_LIMITS.DEPOSIT_FEE);
    // The balance holds the deposit, its fee, and what the stake message carries.
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM / 2n).exitCode).toBe(POOL_EXIT.NO_RESERVE);
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM).exitCode).toBe(0);
  });

  test("a stake sends every share to the elector with the STAKE body, once", () => {
    const p = funded();
    const sig = proofFor(POOL);
    const r = p.send(OWNER, [POOL_OP.STAKE, sig], GRAM);
    expect(r.exitCode).toBe(0);
    expect(sends(r)).toEqual([
      {
        type: "send",
        dest: ELECTOR_VM,
        value: BOB0 + CAROL0,
        body: [ELECTOR_OP.STAKE, validator.publicKey, sig],
        mode: SEND_MODE.PAY_FEES_SEPARATELY,
      },
    ]);
    expect(p.state()).toMatchObject({ staked: BOB0 + CAROL0, electAt: UNTIL });
    expect(p.status().slice(3)).toEqual([BOB0 + CAROL0, BOB0 + CAROL0, 2n]);
    expect(p.send(OWNER, [POOL_OP.STAKE, sig], GRAM).exitCode).toBe(POOL_EXIT.ALREADY_STAKED);
  });

  test("while staked, deposits wait and withdrawals are marked (pending ones paid at once)", () => {
    const p = staked();
    expect(p.send(BOB, [POOL_OP.DEPOSIT], 10n * GRAM).exitCode).toBe(0);
    expect(p.state().nominators[0]).toMatchObject({
      amount: BOB0,
      pending: 10n * GRAM - POOL_LIMITS.DEPOSIT_FEE,
    });
    expect(p.share(BOB)).toBe(BOB0 + 10n * GRAM - POOL_LIMITS.DEPOSIT_FEE);
    const r = p.send(BOB, [POOL_OP.WITHDRAW], GRAM);
    expect(r.exitCode).toBe(0);
    expect(sends(r).map((a) => [a.dest, a.value])).toEqual([
      [toVmAddress(BOB), 10n * GRAM - POOL_LIMITS.DEPOSIT_FEE],
    ]);
    expect(p.state().nominators[0]).toMatchObject({ amount: BOB0, pending: 0n, withdraw: true });
    expect(p.send(BOB, [POOL_OP.WITHDRAW], GRAM).exitCode).toBe(POOL_EXIT.ALREADY_ASKED);
    expect(p.send(BOB, [POOL_OP.DEPOSIT], 10n * GRAM).exitCode).toBe(POOL_EXIT.WITHDRAWING);
    // The stake is unchanged by any of it.
    expect(p.state().staked).toBe(BOB0 + CAROL0);
  });

  test("RECOVER asks the elector once the round the stake was for has ended and its hold is over", () => {
    const p = funded();
    expect(p.send(STRANGER, [POOL_OP.RECOVER], GRAM).exitCode).toBe(POOL_EXIT.NOT_STAKED);
    p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM);
    expect(p.send(STRANGER, [POOL_OP.RECOVER], GRAM, UNTIL + 60n).exitCode).toBe(POOL_EXIT.TOO_EARLY);
    expect(p.send(STRANGER, [POOL_OP.RECOVER], GRAM, UNTIL + 74n).exitCode).toBe(POOL_EXIT.TOO_EARLY);
    const r = p.send(STRANGER, [POOL_OP.RECOVER], GRAM, UNTIL + 75n);
    expect(r).toMatchObject({ exitCode: 0, storage: [] });
    expect(sends(r)).toEqual([
      {
        type: "send",
        dest: ELECTOR_VM,
        value: 0n,
        body: [ELECTOR_OP.RECOVER],
        mode: SEND_MODE.CARRY_INBOUND_VALUE,
      },
    ]);
  });
});

describe("the stake's return", () => {
  test("only the elector returns a stake or bounces one", () => {
    const p = staked();
    expect(p.send(STRANGER, [ELECTOR_OP.RECOVERED, 5_000n * GRAM], 5_000n * GRAM).exitCode).toBe(
      POOL_EXIT.NOT_ELECTOR,
    );
    const fake = [BOUNCE_TAG, encode(t.vmValue, [ELECTOR_OP.STAKE]).slice(), 1n, 102n];
    expect(p.send(STRANGER, fake, GRAM).exitCode).toBe(POOL_EXIT.NOT_ELECTOR);
    expect(p.send(ELECTOR_ADDRESS, [ELECTOR_OP.RECOVERED, -1n], GRAM).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.state().staked).toBe(BOB0 + CAROL0);
  });

  test("a profit: the owner takes its fee, the rest is pro rata; marked withdrawals are paid", () => {
    const p = staked();
    p.send(CAROL, [POOL_OP.WITHDRAW], GRAM);
    p.send(STRANGER, [POOL_OP.DEPOSIT], 50n * GRAM);
    const stake = BOB0 + CAROL0;
    const profit = 123_456_789_013n;
    const returned = stake + profit;
    const r = p.send(ELECTOR_ADDRESS, [ELECTOR_OP.RECOVERED, returned], returned + GRAM / 2n);
    expect(r.exitCode).toBe(0);
    const fee = (profit * 100_000n) / 1_000_000n;
    const bob = BOB0 + ((profit - fee) * BOB0) / stake;
    const carol = CAROL0 + ((profit - fee) * CAROL0) / stake;
    const owner = returned - bob - carol;
    expect(owner - fee).toBeGreaterThanOrEqual(0n);
    expect(owner - fee).toBeLessThan(2n);
    expect(sends(r)).toEqual([
      {
        type: "send",
        dest: toVmAddress(CAROL),
        value: carol,
        body: [POOL_OP.PAID, carol],
        mode: SEND_MODE.IGNORE_ERRORS | SEND_MODE.NON_BOUNCEABLE,
      },
    ]);
    expect(p.share(BOB)).toBe(bob);
    expect(p.share(CAROL)).toBe(0n);
    expect(p.share(OWNER)).toBe(owner);
    expect(p.share(STRANGER)).toBe(50n * GRAM - POOL_LIMITS.DEPOSIT_FEE);
    expect(p.state()).toMatchObject({ staked: 0n, electAt: 0n });
    expect(p.state().nominators.every((n) => n.pending === 0n && !n.withdraw)).toBe(true);
    // After a settlement a withdrawal pays at once again.
    expect(sends(p.send(BOB, [POOL_OP.WITHDRAW], GRAM)).map((a) => a.value)).toEqual([bob]);
  });

  test("a loss after a fine is shared pro rata, with no fee", () => {
    const p = staked();
    const stake = BOB0 + CAROL0;
    const returned = stake - stake / 10n;
    expect(p.send(ELECTOR_ADDRESS, [ELECTOR_OP.RECOVERED, returned], returned).exitCode).toBe(0);
    const bob = (returned * BOB0) / stake;
    const carol = (returned * CAROL0) / stake;
    expect(p.share(BOB)).toBe(bob);
    expect(p.share(CAROL)).toBe(carol);
    expect(p.share(BOB)).toBeLessThan(BOB0);
    expect(p.share(OWNER)).toBe(returned - bob - carol);
    expect(p.share(OWNER)).toBeLessThan(2n);
    expect(p.status().slice(3)).toEqual([0n, returned, returned - bob - carol > 0n ? 3n : 2n]);
  });

  test("a bounced stake is back as unstaked; a bounced RECOVER changes nothing", () => {
    const p = staked();
    const stake = BOB0 + CAROL0;
    const recoverBounce = [BOUNCE_TAG, encode(t.vmValue, [ELECTOR_OP.RECOVER]).slice(), 1n, 105n];
    const r0 = p.send(ELECTOR_ADDRESS, recoverBounce, GRAM / 2n);
    expect(r0).toMatchObject({ exitCode: 0, storage: [], actions: [] });
    expect(p.state().staked).toBe(stake);
    const original = encode(t.vmValue, [ELECTOR_OP.STAKE, validator.publicKey, proofFor(POOL)]).slice();
    const back = stake - 1_000_000n;
    const r = p.send(ELECTOR_ADDRESS, [BOUNCE_TAG, original, 1n, 100n], back);
    expect(r.exitCode).toBe(0);
    expect(p.state()).toMatchObject({ staked: 0n, electAt: 0n });
    expect(p.share(BOB) + p.share(CAROL) + p.share(OWNER)).toBe(back);
    expect(p.share(BOB)).toBe((back * BOB0) / stake);
    // Unstaked again: the owner may stake anew.
    expect(p.send(OWNER, [POOL_OP.STAKE, proofFor(POOL)], GRAM).exitCode).toBe(0);
  });
});

describe("the split", () => {
  const nominator = (byte: number, amount: bigint, extra: Partial<Nominator> = {}): Nominator => ({
    wallet: addr(byte),
    amount,
    pending: 0n,
    withdraw: false,
    ...extra,
  });

  test("nothing is made or lost: the new shares sum to what came back, over many splits", () => {
    let seed = 0x2545f491n;
    const rand = (n: bigint) => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      return (seed >> 11n) % n;
    };
    for (let i = 0; i < 300; i++) {
      const count = 1 + Number(rand(20n));
      const list = Array.from({ length: count }, (_, j) => nominator(j + 1, 1n + rand(10n ** 13n)));
      let stake = 0n;
      for (const n of list) stake += n.amount;
      const returned = i % 3 === 0 ? rand(stake) : stake + rand(stake);
      const feePpm = Number(rand(PPM + 1n));
      const out = settle({ staked: stake, electAt: 1n, nominators: list }, { ...CONFIG, feePpm }, returned);
      let sum = 0n;
      for (const n of out.nominators) sum += n.amount;
      expect(sum).toBe(returned);
      const profit = returned > stake ? returned - stake : 0n;
      expect(out.fee).toBe((profit * BigInt(feePpm)) / PPM);
      expect(out.dust).toBeGreaterThanOrEqual(0n);
      expect(out.dust).toBeLessThan(BigInt(count));
    }
  });

  test("pending deposits join without a share of the profit", () => {
    const out = settle(
      {
        staked: 100n,
        electAt: 1n,
        nominators: [
          nominator(1, 60n),
          nominator(2, 40n, { pending: 7n }),
          nominator(3, 0n, { pending: 9n }),
        ],
      },
      { ...CONFIG, feePpm: 0 },
      200n,
    );
    expect(out.nominators.map((n) => [n.wallet.id[0], n.amount, n.pending])).toEqual([
      [1, 120n, 0n],
      [2, 87n, 0n],
      [3, 9n, 0n],
    ]);
    expect(out).toMatchObject({ fee: 0n, dust: 0n, payouts: [] });
  });

  test("a settlement pays at most 255 withdrawals; the rest wait unstaked as pending", () => {
    const list = Array.from({ length: 300 }, (_, j) => nominator(j % 250, GRAM, { withdraw: true }));
    const out = settle({ staked: 300n * GRAM, electAt: 1n, nominators: list }, CONFIG, 300n * GRAM);
    expect(out.payouts).toHaveLength(POOL_LIMITS.MAX_PAYOUTS);
    expect(out.nominators).toHaveLength(300 - POOL_LIMITS.MAX_PAYOUTS);
    expect(out.nominators.every((n) => n.amount === 0n && n.pending === GRAM && n.withdraw)).toBe(true);
  });

  test("a return with nothing staked is a profit over the shares held", () => {
    const out = settle({ staked: 0n, electAt: 0n, nominators: [nominator(1, 100n)] }, CONFIG, 100n);
    expect(out.fee).toBe(10n);
    expect(out.nominators.map((n) => n.amount)).toEqual([190n, 10n]);
    const empty = settle({ staked: 0n, electAt: 0n, nominators: [] }, CONFIG, 100n);
    expect(empty.nominators).toEqual([nominator(0xa1, 100n)]);
  });
});

describe("get-methods", () => {
  test("status and deposit answer; a bad argument or an unknown name does not", () => {
    const p = funded();
    expect(p.status()).toEqual([validator.publicKey, toVmAddress(OWNER), 100_000n, 0n, BOB0 + CAROL0, 2n]);
    expect(p.share(BOB)).toBe(BOB0);
    expect(p.run("deposit", [new Uint8Array(35)]).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.run("deposit", []).exitCode).toBe(SYSTEM_EXIT.BAD_BODY);
    expect(p.run("seqno", [])).toMatchObject({ exitCode: SYSTEM_EXIT.NO_METHOD, accepted: false });
  });
});
