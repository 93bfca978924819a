import { describe, expect, test } from "vitest";
import { DEFAULT_GAS_CREDIT, RECV_EXTERNAL, RECV_INTERNAL } from "../interpreter/run.ts";
import type { Value } from "../values.ts";
import { multisigCode } from "./code.ts";
import {
  MAX_OWNERS,
  MULTISIG_EXIT,
  MULTISIG_GET,
  type MultisigOrder,
  multisigBody,
  multisigOrderValue,
  multisigStorage,
  type OwnerSignature,
  signMultisigOrder,
} from "./multisig.ts";
import type { OutMessage } from "./outMessages.ts";
import { SEQNO_KEY } from "./storage.ts";
import { Account, address, makeKey, NOW, runOn, type TestKey } from "./testKit.ts";

const WALLET_ID = 17n;
const code = multisigCode.program;
const KEYS: TestKey[] = Array.from({ length: MAX_OWNERS + 1 }, makeKey);
const OUTSIDER = KEYS[MAX_OWNERS];

function deploy(n: number, k: number): Account {
  const owners = KEYS.slice(0, n).map((x) => x.publicKey);
  return new Account(multisigStorage({ owners, threshold: k, walletId: WALLET_ID }));
}

const PAY: OutMessage = { dest: address(7), valueNano: 2_500_000_000n, body: null, mode: 3 };
const MESSAGES: OutMessage[] = [
  { ...PAY, body: new TextEncoder().encode("payroll") },
  { dest: address(8), valueNano: 1n, body: null, mode: 0 },
];

function order(over: Partial<MultisigOrder> = {}): MultisigOrder {
  return { walletId: WALLET_ID, validUntil: NOW + 600n, seqno: 0n, messages: MESSAGES, ...over };
}

/** Signatures of `o` by the owners at `indexes`, in that order. */
const sigs = (o: MultisigOrder, indexes: number[]): OwnerSignature[] =>
  indexes.map((i) => signMultisigOrder(o, i, KEYS[i].signer));

const external = (account: Account, body: Value, gasCredit?: bigint) =>
  runOn(account, { code, entry: RECV_EXTERNAL, stack: [body], gasCredit });

function expectRefused(account: Account, body: Value, exitCode: number): void {
  const before = account.snapshot();
  const r = external(account, body);
  expect(r).toMatchObject({ exitCode, accepted: false, storage: [], actions: [] });
  expect(account.snapshot()).toEqual(before);
}

function expectAccepted(account: Account, o: MultisigOrder, signatures: OwnerSignature[]): void {
  const r = external(account, multisigBody(o, signatures));
  expect(r.exitCode).toBe(0);
  expect(r.accepted).toBe(true);
  expect(r.storage).toEqual([{ key: SEQNO_KEY, value: o.seqno + 1n }]);
  expect(r.actions).toEqual(
    o.messages.map((m) => ({ type: "send", dest: m.dest, value: m.valueNano, body: m.body, mode: m.mode })),
  );
}

describe("multisig: accepted orders", () => {
  test.each([
    [1, 1, [0]],
    [3, 2, [0, 1]],
    [3, 2, [2, 0]],
    [3, 2, [1, 2, 0]],
    [5, 3, [4, 1, 3]],
  ])("%i owners, k = %i: signed by %j", (n, k, indexes) => {
    const account = deploy(n, k);
    expectAccepted(account, order(), sigs(order(), indexes));
    expectAccepted(
      account,
      order({ seqno: 1n, messages: [] }),
      sigs(order({ seqno: 1n, messages: [] }), indexes),
    );
  });
});

describe("multisig: refusals leave no trace", () => {
  const o = order();

  test("k - 1 signatures", () => {
    expectRefused(deploy(3, 2), multisigBody(o, sigs(o, [1])), MULTISIG_EXIT.NOT_ENOUGH_SIGNATURES);
    expectRefused(deploy(3, 1), multisigBody(o, []), MULTISIG_EXIT.NOT_ENOUGH_SIGNATURES);
  });

  test("one owner counted twice", () => {
    expectRefused(deploy(3, 2), multisigBody(o, sigs(o, [1, 1])), MULTISIG_EXIT.DUPLICATE_OWNER);
    expectRefused(deploy(3, 2), multisigBody(o, sigs(o, [0, 2, 0])), MULTISIG_EXIT.DUPLICATE_OWNER);
  });

  test("a bad signature among good ones", () => {
    const forged = { ownerIndex: 2, signature: signMultisigOrder(o, 2, OUTSIDER.signer).signature };
    expectRefused(deploy(3, 2), multisigBody(o, [...sigs(o, [0]), forged]), MULTISIG_EXIT.BAD_SIGNATURE);
    const other = sigs(order({ seqno: 5n }), [1])[0];
    expectRefused(deploy(3, 2), multisigBody(o, [...sigs(o, [0]), other]), MULTISIG_EXIT.BAD_SIGNATURE);
  });

  test("an index that names no owner", () => {
    const outside = { ownerIndex: 3, signature: signMultisigOrder(o, 3, KEYS[3].signer).signature };
    expectRefused(deploy(3, 2), multisigBody(o, [...sigs(o, [0]), outside]), MULTISIG_EXIT.UNKNOWN_OWNER);
    const [pairs, ord] = multisigBody(o, sigs(o, [0, 1])) as [Value[], Value];
    const negative = [[-1n, (pairs[1] as Value[])[1]], pairs[0]];
    expectRefused(deploy(3, 2), [negative, ord], MULTISIG_EXIT.UNKNOWN_OWNER);
  });

  test("a replayed order", () => {
    const account = deploy(3, 2);
    const body = multisigBody(o, sigs(o, [0, 1]));
    expect(external(account, body).exitCode).toBe(0);
    expectRefused(account, body, MULTISIG_EXIT.BAD_SEQNO);
  });

  test("an expired order, and one valid until exactly now", () => {
    const late = order({ validUntil: NOW - 1n });
    expectRefused(deploy(3, 2), multisigBody(late, sigs(late, [0, 1])), MULTISIG_EXIT.EXPIRED);
    const edge = order({ validUntil: NOW });
    expectAccepted(deploy(3, 2), edge, sigs(edge, [0, 1]));
  });

  test("another wallet id", () => {
    const other = order({ walletId: WALLET_ID + 1n });
    expectRefused(deploy(3, 2), multisigBody(other, sigs(other, [0, 1])), MULTISIG_EXIT.BAD_WALLET_ID);
  });

  test("five messages", () => {
    const five = [...MESSAGES, ...MESSAGES, PAY].map((m) => [m.dest, m.valueNano, m.body, BigInt(m.mode)]);
    const raw: Value = [WALLET_ID, NOW + 600n, 0n, five];
    const pairs = [0, 1].map((i) => [BigInt(i), KEYS[i].signer.sign(KEYS[i].signer.hashValue(raw))]);
    expectRefused(deploy(3, 2), [pairs, raw], MULTISIG_EXIT.TOO_MANY_MESSAGES);
  });

  test.each<[string, (good: [Value[], Value]) => Value]>([
    ["a body that is not a pair", () => [null]],
    ["signatures that are not a Tuple", ([, ord]) => [null, ord]],
    ["a pair of three items", ([p, ord]) => [[[...(p[0] as Value[]), null]], ord]],
    ["an index that is Bytes", ([p, ord]) => [[[Uint8Array.of(0), (p[0] as Value[])[1]]], ord]],
    ["a signature of 65 bytes", ([, ord]) => [[[0n, new Uint8Array(65)]], ord]],
    ["seventeen pairs", ([p, ord]) => [Array.from({ length: 17 }, () => p[0]), ord]],
    ["an order of three items", ([p]) => [p, [WALLET_ID, NOW, 0n]]],
    ["a seqno that is Null", ([p]) => [p, [WALLET_ID, NOW + 600n, null, []]]],
    ["a message with mode 8", ([p]) => [p, [WALLET_ID, NOW + 600n, 0n, [[address(1), 1n, null, 8n]]]]],
  ])("malformed: %s", (_name, make) => {
    const good = multisigBody(o, sigs(o, [0, 1])) as [Value[], Value];
    expectRefused(deploy(3, 2), make(good), MULTISIG_EXIT.BAD_BODY);
  });
});

describe("multisig: gas", () => {
  // Every signature check is EDVERIFY (2000 gas and 6 for the 32-byte hash) and about 75 for the
  // loop around it; with 16 owners the rest of the run before ACCEPT is near 1100.
  test("k = 4 of 16 owners with four messages fits the default credit; k = 5 needs it raised", () => {
    const four = order({ messages: [...MESSAGES, ...MESSAGES] });
    const account = deploy(MAX_OWNERS, 4);
    const r = external(account, multisigBody(four, sigs(four, [15, 0, 7, 3])));
    expect(r.accepted).toBe(true);
    expect(r.exitCode).toBe(0);

    const five = deploy(MAX_OWNERS, 5);
    const body = multisigBody(order(), sigs(order(), [0, 1, 2, 3, 4]));
    expect(external(five, body)).toMatchObject({ accepted: false, storage: [], actions: [] });
    const raised = external(five, body, DEFAULT_GAS_CREDIT + 2_500n);
    expect(raised).toMatchObject({ exitCode: 0, accepted: true });
  });
});

describe("multisig: get-methods and storage", () => {
  test("the get-methods return the stored values and change nothing", () => {
    const account = deploy(3, 2);
    const before = account.snapshot();
    const cases: [string, Value][] = [
      [MULTISIG_GET.SEQNO, 0n],
      [MULTISIG_GET.OWNERS, KEYS.slice(0, 3).map((k) => k.publicKey)],
      [MULTISIG_GET.THRESHOLD, 2n],
      [MULTISIG_GET.WALLET_ID, WALLET_ID],
    ];
    for (const [entry, value] of cases) {
      expect(runOn(account, { code, entry })).toMatchObject({ exitCode: 0, stack: [value], storage: [] });
    }
    expect(account.snapshot()).toEqual(before);
  });

  test("an internal message is a plain top-up", () => {
    const account = deploy(2, 1);
    const r = runOn(account, { code, entry: RECV_INTERNAL, stack: [7n], context: { msgValue: 10n } });
    expect(r).toMatchObject({ exitCode: 0, storage: [], actions: [] });
  });

  test("the storage helper refuses owners and thresholds the contract could not honour", () => {
    const keys = KEYS.map((k) => k.publicKey);
    const init = { owners: keys.slice(0, 3), threshold: 2, walletId: 0n };
    expect(() => multisigStorage({ ...init, owners: [] })).toThrow(RangeError);
    expect(() => multisigStorage({ ...init, owners: keys })).toThrow(/owners: 17/);
    expect(() => multisigStorage({ ...init, owners: [keys[0], keys[1], keys[0]] })).toThrow(/owners\[2\]/);
    expect(() => multisigStorage({ ...init, owners: [new Uint8Array(31)] })).toThrow(RangeError);
    expect(() => multisigStorage({ ...init, threshold: 0 })).toThrow(/threshold/);
    expect(() => multisigStorage({ ...init, threshold: 4 })).toThrow(/threshold/);
    expect(() => multisigStorage({ ...init, walletId: 1n << 32n })).toThrow(/walletId/);
  });

  test("the body helpers refuse what the contract would refuse for its form", () => {
    expect(() => multisigOrderValue(order({ messages: [...MESSAGES, ...MESSAGES, PAY] }))).toThrow(
      /messages/,
    );
    expect(() => multisigOrderValue(order({ messages: [{ ...PAY, mode: 192 }] }))).toThrow(/mode/);
    const init = { code: Uint8Array.of(1), data: [] };
    expect(() => multisigOrderValue(order({ messages: [{ ...PAY, init }] }))).toThrow(
      /does not send state inits/,
    );
    expect(() => multisigBody(order(), [{ ownerIndex: 16, signature: new Uint8Array(64) }])).toThrow(
      /ownerIndex/,
    );
    expect(() =>
      signMultisigOrder(order(), 0, { hashValue: () => new Uint8Array(32), sign: () => new Uint8Array(63) }),
    ).toThrow(/signature/);
  });
});
