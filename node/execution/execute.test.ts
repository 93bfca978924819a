import { describe, expect, test } from "vitest";
import {
  COUNTER_KEY,
  counterCode,
  type InitAction,
  type OutMessage,
  SEND_MODE,
  type Value,
  walletCode,
  walletStorage,
  walletTransferBody,
} from "../../vm/index.ts";
import { decode, encode, hashOf, t } from "../codec/index.ts";
import { keyPairFromSeed, sha256, sign } from "../crypto/index.ts";
import {
  type Account,
  accountId,
  BOUNCE_TAG,
  type Fees,
  type LedgerAddress,
  Message,
  type StateInit,
  toVmAddress,
} from "../ledger/index.ts";
import { GRAM, testFees } from "../ledger/testkit.ts";
import { vmHost } from "../vmhost/index.ts";
import { type AccountState, type ExecEnv, type ExecResult, executeTransaction } from "./execute.ts";
import { stateInitFromVm } from "./stateInit.ts";
import { ACTION_FAIL, COMPUTE_SKIPPED, PHASE } from "./transaction.ts";

const NOW = 1_700_000_000n;
const fees: Fees = testFees;
const env = (over: Partial<ExecEnv> = {}): ExecEnv => ({
  now: NOW,
  lt: 1_000n,
  seed: new Uint8Array(32),
  fees,
  host: vmHost,
  ...over,
});

const key = keyPairFromSeed(sha256(new TextEncoder().encode("execution test wallet")));
const SUBWALLET = 7n;
const encodeValue = (v: Value) => encode(t.vmValue, v);
const walletInit: StateInit = {
  code: walletCode.image,
  data: walletStorage({ publicKey: key.publicKey, subwalletId: SUBWALLET }).map((e) => [
    e.key,
    encodeValue(e.value),
  ]),
};
const wallet: LedgerAddress = { workchain: 0n, id: accountId(walletInit) };
const other: LedgerAddress = { workchain: 0n, id: new Uint8Array(32).fill(9) };
const signer = { hashValue: vmHost.hashValue, sign: (h: Uint8Array) => sign(h, key.secretKey) };

function account(balance: bigint, over: Partial<Account> = {}): Account {
  return {
    balance,
    status: { kind: "uninit" },
    storageBytes: 0,
    lastPaid: NOW,
    storageDue: 0n,
    lastLt: 0n,
    lastTxHash: new Uint8Array(32),
    ...over,
  };
}

function uninitState(balance: bigint | null, address = wallet): AccountState {
  return {
    address,
    account: balance === null ? null : account(balance),
    code: null,
    storage: { get: () => undefined },
  };
}

/** The deployed wallet: its account, code and storage as a node would hand them over. */
function activeWallet(balance: bigint, seqno = 0n): AccountState {
  const entries = walletStorage({ publicKey: key.publicKey, subwalletId: SUBWALLET, seqno });
  const byKey = new Map(entries.map((e) => [e.key[0], e.value]));
  return {
    address: wallet,
    account: account(balance, {
      status: { kind: "active", codeHash: sha256(walletCode.image), storageRoot: new Uint8Array(32) },
    }),
    code: walletCode.image,
    storage: { get: (k) => (k.length === 1 ? byKey.get(k[0]) : undefined) },
  };
}

function transfer(
  messages: OutMessage[],
  over: { seqno?: bigint; validUntil?: bigint; init?: StateInit } = {},
): Message {
  const body = walletTransferBody(
    { subwalletId: SUBWALLET, validUntil: over.validUntil ?? NOW + 60n, seqno: over.seqno ?? 0n, messages },
    signer,
  );
  return { kind: "externalIn", dest: wallet, body: encodeValue(body), init: over.init ?? null };
}

function internal(value: bigint, over: Partial<Extract<Message, { kind: "internal" }>> = {}): Message {
  return {
    kind: "internal",
    src: other,
    dest: wallet,
    value,
    fwdFee: 0n,
    bounce: false,
    bounced: false,
    body: encodeValue(null),
    init: null,
    createdLt: 10n,
    createdAt: NOW,
    ...over,
  };
}

type Done = Extract<ExecResult, { kind: "done" }>;
function done(r: ExecResult): Done {
  if (r.kind !== "done") throw new Error(`expected a transaction, got a refusal: ${r.reason}`);
  return r;
}

/** ledger §5.4: what came in is what the account holds, sent on, or paid in fees. */
function expectConserved(state: AccountState, msg: Message, r: Done): void {
  const before = (state.account?.balance ?? 0n) + (msg.kind === "internal" ? msg.value : 0n);
  let sent = 0n;
  for (const m of r.outMessages) if (m.kind === "internal") sent += m.value;
  expect((r.account?.balance ?? 0n) + sent + r.fees).toBe(before);
}

const pay = (dest: LedgerAddress, valueNano: bigint, mode: number): OutMessage => ({
  dest: toVmAddress(dest),
  valueNano,
  body: null,
  mode,
});

describe("executeTransaction: deployment and transfers", () => {
  test("a pre-funded address deploys the wallet with its first transfer, which pays and sends", () => {
    const state = uninitState(5n * GRAM);
    const msg = transfer([pay(other, GRAM, SEND_MODE.PAY_FEES_SEPARATELY)], { init: walletInit });
    const r = done(executeTransaction(state, msg, env()));
    expect(r.transaction.compute).toMatchObject({ kind: "vm", success: true, exitCode: 0 });
    expect(r.account?.status.kind).toBe("active");
    expect(r.code).toEqual(walletCode.image);
    // the initial data, then the run's seqno write on top
    expect(r.storage.map((c) => [c.key[0], c.value])).toEqual([
      [0, [key.publicKey, SUBWALLET]],
      [1, 1n],
    ]);
    expect(r.outMessages).toHaveLength(1);
    const out = r.outMessages[0] as Extract<Message, { kind: "internal" }>;
    expect(out).toMatchObject({
      kind: "internal",
      dest: other,
      value: GRAM,
      bounce: true,
      createdLt: 1_001n,
    });
    expect(out.fwdFee).toBeGreaterThan(fees.fwdLump);
    expect(r.transaction.lt).toBe(1_000n);
    expectConserved(state, msg, r);
  });

  test("a transfer from a deployed wallet; the same message again is refused at no cost", () => {
    const state = activeWallet(3n * GRAM);
    const msg = transfer([pay(other, GRAM, SEND_MODE.NON_BOUNCEABLE)]);
    const r = done(executeTransaction(state, msg, env()));
    const out = r.outMessages[0] as Extract<Message, { kind: "internal" }>;
    expect(out.value).toBe(GRAM - out.fwdFee);
    expect(out.bounce).toBe(false);
    expectConserved(state, msg, r);
    const replay = executeTransaction(activeWallet(r.account?.balance ?? 0n, 1n), msg, env());
    expect(replay).toMatchObject({ kind: "refused", reason: "NOT_ACCEPTED", exitCode: 33 });
  });

  test("a wrong signature, and an external to an address with no code, leave no transaction", () => {
    const msg = transfer([pay(other, GRAM, 0)]);
    const body = decode(t.vmValue, msg.body) as Value[];
    const forged = { ...msg, body: encodeValue([new Uint8Array(64), body[1]]) };
    expect(executeTransaction(activeWallet(GRAM), forged, env())).toMatchObject({
      kind: "refused",
      reason: "NOT_ACCEPTED",
    });
    expect(executeTransaction(uninitState(GRAM), msg, env())).toMatchObject({
      kind: "refused",
      reason: "NO_CODE",
    });
    expect(
      executeTransaction(activeWallet(GRAM), { ...msg, body: Uint8Array.of(0xc1) }, env()),
    ).toMatchObject({
      kind: "refused",
      reason: "BAD_BODY",
    });
  });

  test("an init whose hash is not the address is ignored", () => {
    const wrong: StateInit = { ...walletInit, data: walletInit.data.slice(1) };
    const msg = transfer([], { init: wrong });
    expect(executeTransaction(uninitState(GRAM), msg, env())).toMatchObject({
      kind: "refused",
      reason: "NO_CODE",
    });
  });
});

describe("executeTransaction: a wallet deploys a contract (SENDINIT)", () => {
  const counterInit: InitAction = { code: counterCode.image, data: [{ key: COUNTER_KEY, value: 5n }] };
  const counter: LedgerAddress = { workchain: 0n, id: accountId(stateInitFromVm(counterInit)) };
  const deployTo = (dest: LedgerAddress, init: InitAction, body: Value = 3n): OutMessage => ({
    ...pay(dest, GRAM, SEND_MODE.PAY_FEES_SEPARATELY),
    body,
    init,
  });

  test("the wallet's message carries the init; the new account deploys from it and runs", () => {
    const r = done(
      executeTransaction(activeWallet(3n * GRAM), transfer([deployTo(counter, counterInit)]), env()),
    );
    expect(r.transaction.action).toMatchObject({ success: true, messagesSent: 1 });
    const out = r.outMessages[0] as Extract<Message, { kind: "internal" }>;
    expect(out.init).toEqual(stateInitFromVm(counterInit));
    const state = uninitState(null, counter);
    const d = done(executeTransaction(state, out, env({ lt: 2_000n })));
    expect(d.transaction.compute).toMatchObject({ kind: "vm", success: true, exitCode: 0 });
    expect(d.account?.status.kind).toBe("active");
    expect(d.code).toEqual(counterCode.image);
    expect(d.storage).toEqual([{ key: COUNTER_KEY, value: 8n }]);
    expectConserved(state, out, d);
  });

  test("an init that is not the destination's fails the action phase with BAD_INIT", () => {
    const r = done(
      executeTransaction(activeWallet(3n * GRAM), transfer([deployTo(other, counterInit)]), env()),
    );
    expect(r.transaction.action).toMatchObject({ success: false, resultCode: ACTION_FAIL.BAD_INIT });
    expect(r.outMessages).toEqual([]);
  });

  test("with +2 (ignore errors) a bad init's send is skipped, and the order still counts", () => {
    const bad = {
      ...deployTo(other, counterInit),
      mode: SEND_MODE.PAY_FEES_SEPARATELY | SEND_MODE.IGNORE_ERRORS,
    };
    const r = done(executeTransaction(activeWallet(3n * GRAM), transfer([bad]), env()));
    expect(r.transaction.action).toMatchObject({ success: true, messagesSent: 0 });
    expect(r.outMessages).toEqual([]);
    expect(r.storage.map((c) => c.value)).toEqual([1n]);
  });

  test("an init whose code does not load fails the action phase with BAD_CODE", () => {
    const init: InitAction = { code: Uint8Array.of(1, 2, 3), data: [] };
    const dest = { workchain: 0n, id: accountId(stateInitFromVm(init)) };
    const r = done(executeTransaction(activeWallet(3n * GRAM), transfer([deployTo(dest, init)]), env()));
    expect(r.transaction.action).toMatchObject({ success: false, resultCode: ACTION_FAIL.BAD_CODE });
  });

  test("the ledger's init sorts entries by their keys' encoding and refuses a key twice", () => {
    const entries = walletStorage({ publicKey: key.publicKey, subwalletId: SUBWALLET });
    expect(stateInitFromVm({ code: walletCode.image, data: [...entries].reverse() })).toEqual(walletInit);
    const long = { key: new Uint8Array(2).fill(0), value: null };
    const short = { key: Uint8Array.of(0xff), value: null };
    expect(stateInitFromVm({ code: Uint8Array.of(1), data: [long, short] }).data.map(([k]) => k)).toEqual([
      short.key,
      long.key,
    ]);
    expect(() => stateInitFromVm({ code: Uint8Array.of(1), data: [short, short] })).toThrow(/twice/);
  });
});

describe("executeTransaction: value with nowhere to run", () => {
  test("a non-bounceable payment to a new address creates it, uninit, holding the value", () => {
    const state = uninitState(null, other);
    const msg = internal(2n * GRAM, { dest: other });
    const r = done(executeTransaction(state, msg, env()));
    expect(r.transaction.compute).toEqual({ kind: "skipped", reason: COMPUTE_SKIPPED.NO_CODE });
    expect(r.account).toMatchObject({ balance: 2n * GRAM, status: { kind: "uninit" } });
    expect(r.outMessages).toEqual([]);
    expectConserved(state, msg, r);
  });

  test("a bounceable one returns, less the return's forwarding fee, and the empty account is gone", () => {
    const state = uninitState(null, other);
    const msg = internal(2n * GRAM, { dest: other, bounce: true });
    const r = done(executeTransaction(state, msg, env()));
    expect(r.account).toBeNull();
    expect(r.transaction.bounced).toBe(true);
    const back = r.outMessages[0] as Extract<Message, { kind: "internal" }>;
    expect(back).toMatchObject({ dest: other, src: other, bounced: true, bounce: false });
    expect(back.value).toBe(2n * GRAM - back.fwdFee);
    expect(decode(t.vmValue, back.body)).toEqual([BOUNCE_TAG, msg.body, BigInt(PHASE.COMPUTE), 0n]);
    expectConserved(state, msg, r);
  });
});

describe("executeTransaction: fees and the action phase", () => {
  test("a top-up of a deployed wallet runs recv_internal and pays its gas from the value", () => {
    const state = activeWallet(GRAM);
    const msg = internal(GRAM);
    const r = done(executeTransaction(state, msg, env()));
    expect(r.transaction.compute).toMatchObject({ kind: "vm", success: true });
    const gas = r.transaction.compute.kind === "vm" ? r.transaction.compute.gasFee : -1n;
    expect(gas).toBeGreaterThan(0n);
    expect(r.account?.balance).toBe(2n * GRAM - gas);
    expectConserved(state, msg, r);
  });

  test("a send past the balance fails the action phase: no message, no seqno change, gas still paid", () => {
    const state = activeWallet(GRAM);
    const msg = transfer([pay(other, 5n * GRAM, 0)]);
    const r = done(executeTransaction(state, msg, env()));
    expect(r.transaction.action).toMatchObject({
      success: false,
      resultCode: ACTION_FAIL.NOT_ENOUGH_BALANCE,
    });
    expect(r.outMessages).toEqual([]);
    expect(r.storage).toEqual([]);
    expect(r.fees).toBeGreaterThan(0n);
    expectConserved(state, msg, r);
    // with "ignore errors" the order is used up and the send is skipped
    const ignored = done(
      executeTransaction(state, transfer([pay(other, 5n * GRAM, SEND_MODE.IGNORE_ERRORS)]), env()),
    );
    expect(ignored.transaction.action?.success).toBe(true);
    expect(ignored.storage.map((c) => c.value)).toEqual([1n]);
    expect(ignored.outMessages).toEqual([]);
  });

  test("mode 128 carries the whole balance; with +32 the emptied account is destroyed", () => {
    const state = activeWallet(3n * GRAM);
    const all = transfer([pay(other, 0n, SEND_MODE.CARRY_ALL_BALANCE)]);
    const r = done(executeTransaction(state, all, env()));
    expect(r.account?.balance).toBe(0n);
    expectConserved(state, all, r);
    const destroy = transfer([pay(other, 0n, SEND_MODE.CARRY_ALL_BALANCE | SEND_MODE.DESTROY_IF_ZERO)]);
    const gone = done(executeTransaction(state, destroy, env()));
    expect(gone.account).toBeNull();
    expectConserved(state, destroy, gone);
  });

  test("rent accrues by the second; an account that cannot pay it is frozen", () => {
    const state = activeWallet(GRAM);
    const withBytes: AccountState = {
      ...state,
      account: { ...(state.account as Account), storageBytes: 1000, lastPaid: NOW - 65_536n },
    };
    const r = done(executeTransaction(withBytes, internal(GRAM), env()));
    expect(r.transaction.storageFee).toBe(1000n);
    const poor: AccountState = {
      ...state,
      account: {
        ...(state.account as Account),
        balance: 10n,
        storageBytes: 100_000, // about 2.6 Grams of rent since 1970
        lastPaid: 0n,
      },
    };
    const frozen = done(executeTransaction(poor, internal(0n, { bounce: true }), env()));
    expect(frozen.account?.status.kind).toBe("frozen");
    expect(frozen.transaction.compute).toEqual({ kind: "skipped", reason: COMPUTE_SKIPPED.FROZEN });
    expect(frozen.account?.storageDue).toBeGreaterThanOrEqual(fees.freezeDue);
    // It keeps what it was: the code and storage it runs again once its debt is paid.
    expect(frozen.account?.status).toEqual({ ...(state.account as Account).status, kind: "frozen" });
  });

  /** The wallet frozen with `debt` of unpaid rent, as a node would hand it over. */
  function frozenWallet(debt: bigint, balance = 0n): AccountState {
    const state = activeWallet(balance);
    const active = (state.account as Account).status as Extract<Account["status"], { kind: "active" }>;
    return {
      ...state,
      account: {
        ...(state.account as Account),
        status: { kind: "frozen", codeHash: active.codeHash, storageRoot: active.storageRoot },
        storageBytes: 100,
        storageDue: debt,
        lastPaid: NOW,
      },
    };
  }

  test("a message whose value covers the debt unfreezes the account, which runs at once", () => {
    const state = frozenWallet(2n * GRAM);
    const msg = internal(3n * GRAM);
    const r = done(executeTransaction(state, msg, env()));
    expect(r.account?.status.kind).toBe("active");
    expect(r.account?.storageDue).toBe(0n);
    expect(r.transaction.storageFee).toBe(2n * GRAM);
    expect(r.transaction.compute).toMatchObject({ kind: "vm", success: true });
    expectConserved(state, msg, r);
  });

  test("a message short of the debt leaves it frozen: a bounceable one returns, another stays toward the debt", () => {
    const short = done(executeTransaction(frozenWallet(2n * GRAM), internal(GRAM, { bounce: true }), env()));
    expect(short.account?.status.kind).toBe("frozen");
    expect(short.transaction.bounced).toBe(true);
    const kept = done(executeTransaction(frozenWallet(2n * GRAM), internal(GRAM), env()));
    expect(kept.account).toMatchObject({ status: { kind: "frozen" }, balance: GRAM, storageDue: 2n * GRAM });
  });

  test("a frozen account whose debt reaches deleteDue is deleted with its code and storage", () => {
    const gone = done(executeTransaction(frozenWallet(fees.deleteDue), internal(0n), env()));
    expect(gone.account).toBe(null);
    const init = walletInit;
    // A message with value makes a new, empty account; its init does not deploy in the same transaction.
    const fresh = done(executeTransaction(frozenWallet(fees.deleteDue), internal(GRAM, { init }), env()));
    expect(fresh.account).toMatchObject({
      status: { kind: "uninit" },
      balance: GRAM,
      storageDue: 0n,
      storageBytes: 0,
    });
    expect(fresh.code).toBe(null);
  });

  test("the same inputs give the same transaction hash; another lt gives another", () => {
    const msg = transfer([pay(other, GRAM, 0)]);
    const a = done(executeTransaction(activeWallet(3n * GRAM), msg, env()));
    const b = done(executeTransaction(activeWallet(3n * GRAM), msg, env()));
    const c = done(executeTransaction(activeWallet(3n * GRAM), msg, env({ lt: 2_000n })));
    expect(a.hash).toEqual(b.hash);
    expect(a.hash).not.toEqual(c.hash);
    expect(a.account?.lastTxHash).toEqual(a.hash);
  });

  test("a caller's hash of the inbound message is the one the record would compute", () => {
    const msg = transfer([pay(other, GRAM, 0)]);
    const computed = done(executeTransaction(activeWallet(3n * GRAM), msg, env()));
    const given = done(
      executeTransaction(activeWallet(3n * GRAM), msg, env({ inMsgHash: hashOf(Message, msg) })),
    );
    expect(given).toEqual(computed);
    expect(given.transaction.inMsg).toEqual(sha256(encode(Message, msg)));
  });
});
