import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { DEFAULT_GAS_CREDIT, RECV_EXTERNAL, RECV_INTERNAL, run } from "../interpreter/run.ts";
import { testHost } from "../testing.ts";
import type { Value } from "../values.ts";
import { walletCode } from "./code.ts";
import type { OutMessage } from "./outMessages.ts";
import { signValue } from "./signer.ts";
import { SEQNO_KEY } from "./storage.ts";
import { Account, address, makeKey, NOW, runOn, type TestKey } from "./testKit.ts";
import {
  WALLET_EXIT,
  WALLET_GET,
  type WalletTransfer,
  walletSigned,
  walletStorage,
  walletTransferBody,
} from "./wallet.ts";

const SUBWALLET = 698_983_191n;
const code = walletCode.program;

function deploy(seqno = 0n): { key: TestKey; account: Account } {
  const key = makeKey();
  return {
    key,
    account: new Account(walletStorage({ publicKey: key.publicKey, subwalletId: SUBWALLET, seqno })),
  };
}

const MESSAGES: OutMessage[] = [
  { dest: address(1), valueNano: 1_000_000_000n, body: null, mode: 3 },
  { dest: address(2), valueNano: 0n, body: 42n, mode: 0 },
  { dest: address(3), valueNano: (1n << 120n) - 1n, body: [Uint8Array.of(1, 2), [7n, null]], mode: 1 | 16 },
  { dest: address(4), valueNano: 5n, body: new TextEncoder().encode("comment"), mode: 128 | 32 },
];

function transfer(over: Partial<WalletTransfer> = {}): WalletTransfer {
  return {
    subwalletId: SUBWALLET,
    validUntil: NOW + 60n,
    seqno: 0n,
    messages: MESSAGES.slice(0, 1),
    ...over,
  };
}

/** A body signed over any `signed` value, for forms the helpers refuse to build. */
function signedRaw(key: TestKey, signed: Value): Value {
  return [signValue(signed, key.signer), signed];
}

function external(account: Account, body: Value, gasCredit?: bigint) {
  return runOn(account, { code, entry: RECV_EXTERNAL, stack: [body], gasCredit });
}

function expectRefused(account: Account, body: Value, exitCode: number): void {
  const before = account.snapshot();
  const r = external(account, body);
  expect(r).toMatchObject({ exitCode, accepted: false, storage: [], actions: [], stack: [] });
  expect(account.snapshot()).toEqual(before);
}

const get = (account: Account, entry: string) => runOn(account, { code, entry });

describe("wallet: transfers", () => {
  test.each([0, 1, 2, 3, 4])("%i messages: accepted, seqno + 1, each SEND as given and in order", (n) => {
    const { key, account } = deploy(5n);
    const messages = MESSAGES.slice(0, n);
    const r = external(account, walletTransferBody(transfer({ seqno: 5n, messages }), key.signer));
    expect(r.exitCode).toBe(0);
    expect(r.accepted).toBe(true);
    expect(r.storage).toEqual([{ key: SEQNO_KEY, value: 6n }]);
    expect(r.actions).toEqual(
      messages.map((m) => ({ type: "send", dest: m.dest, value: m.valueNano, body: m.body, mode: m.mode })),
    );
    expect(get(account, WALLET_GET.SEQNO).stack).toEqual([6n]);
  });

  test("consecutive transfers each need the next seqno", () => {
    const { key, account } = deploy();
    for (let s = 0n; s < 3n; s++) {
      expect(external(account, walletTransferBody(transfer({ seqno: s }), key.signer)).exitCode).toBe(0);
    }
    expect(get(account, WALLET_GET.SEQNO).stack).toEqual([3n]);
  });

  test("a message with a state init is sent with SENDINIT, and may sit beside plain ones", () => {
    const { key, account } = deploy();
    const long = { key: Uint8Array.of(0, 0), value: 5n };
    const short = { key: Uint8Array.of(9), value: null };
    const messages = [
      { ...MESSAGES[0], init: { code: Uint8Array.of(0x47, 0x56), data: [long, short] } },
      MESSAGES[1],
    ];
    // The helper puts the keys in the order SENDINIT requires (vm §4.11): shorter first.
    const init = { code: Uint8Array.of(0x47, 0x56), data: [short, long] };
    const r = external(account, walletTransferBody(transfer({ messages }), key.signer));
    expect(r.exitCode).toBe(0);
    expect(r.actions).toEqual([
      { type: "send", dest: MESSAGES[0].dest, value: MESSAGES[0].valueNano, body: null, mode: 3, init },
      { type: "send", dest: MESSAGES[1].dest, value: 0n, body: 42n, mode: 0 },
    ]);
  });

  test("a message valid until exactly the block time is still accepted", () => {
    const { key, account } = deploy();
    expect(external(account, walletTransferBody(transfer({ validUntil: NOW }), key.signer)).exitCode).toBe(0);
  });
});

describe("wallet: refusals leave no trace", () => {
  test("a signature by another key", () => {
    const { account } = deploy();
    const other = makeKey();
    expectRefused(account, walletTransferBody(transfer(), other.signer), WALLET_EXIT.BAD_SIGNATURE);
  });

  test("a signature with one bit flipped", () => {
    const { key, account } = deploy();
    const [sig, signed] = walletTransferBody(transfer(), key.signer) as [Uint8Array, Value];
    const bad = sig.slice();
    bad[10] ^= 0x04;
    expectRefused(account, [bad, signed], WALLET_EXIT.BAD_SIGNATURE);
  });

  test("a signed message with its messages changed", () => {
    const { key, account } = deploy();
    const [sig] = walletTransferBody(transfer(), key.signer) as [Uint8Array, Value];
    expectRefused(
      account,
      [sig, walletSigned(transfer({ messages: MESSAGES.slice(1, 2) }))],
      WALLET_EXIT.BAD_SIGNATURE,
    );
  });

  test("a replayed message", () => {
    const { key, account } = deploy();
    const body = walletTransferBody(transfer(), key.signer);
    expect(external(account, body).exitCode).toBe(0);
    expectRefused(account, body, WALLET_EXIT.BAD_SEQNO);
  });

  test("a seqno ahead of the wallet's", () => {
    const { key, account } = deploy();
    expectRefused(account, walletTransferBody(transfer({ seqno: 1n }), key.signer), WALLET_EXIT.BAD_SEQNO);
  });

  test("an expired message", () => {
    const { key, account } = deploy();
    const body = walletTransferBody(transfer({ validUntil: NOW - 1n }), key.signer);
    expectRefused(account, body, WALLET_EXIT.EXPIRED);
  });

  test("another subwallet", () => {
    const { key, account } = deploy();
    const body = walletTransferBody(transfer({ subwalletId: SUBWALLET + 1n }), key.signer);
    expectRefused(account, body, WALLET_EXIT.BAD_SUBWALLET);
  });

  test("five messages, though validly signed", () => {
    const { key, account } = deploy();
    const five = [...MESSAGES, MESSAGES[0]].map((m) => [m.dest, m.valueNano, m.body, BigInt(m.mode)]);
    expectRefused(account, signedRaw(key, [SUBWALLET, NOW + 60n, 0n, five]), WALLET_EXIT.TOO_MANY_MESSAGES);
  });

  test("the checks run in the documented order: form, subwallet, expiry, seqno, signature", () => {
    const { key, account } = deploy();
    const other = makeKey().signer;
    const all = transfer({ subwalletId: 1n, validUntil: NOW - 1n, seqno: 9n });
    expectRefused(account, walletTransferBody(all, other), WALLET_EXIT.BAD_SUBWALLET);
    expectRefused(
      account,
      walletTransferBody({ ...all, subwalletId: SUBWALLET }, other),
      WALLET_EXIT.EXPIRED,
    );
    const late = { ...all, subwalletId: SUBWALLET, validUntil: NOW };
    expectRefused(account, walletTransferBody(late, other), WALLET_EXIT.BAD_SEQNO);
    expectRefused(account, walletTransferBody({ ...late, seqno: 0n }, other), WALLET_EXIT.BAD_SIGNATURE);
    const tooMany = [...MESSAGES, MESSAGES[0]].map((m) => [m.dest, m.valueNano, m.body, BigInt(m.mode)]);
    expectRefused(account, signedRaw(key, [1n, NOW - 1n, 9n, tooMany]), WALLET_EXIT.TOO_MANY_MESSAGES);
  });
});

describe("wallet: malformed bodies are refused with BAD_BODY before ACCEPT", () => {
  const key = makeKey();
  const sig = new Uint8Array(64);
  const msg = (over: Record<number, Value>): Value => {
    const m: Value[] = [address(1), 1n, null, 3n];
    for (const [i, v] of Object.entries(over)) m[Number(i)] = v;
    return m;
  };
  const signedWith = (messages: Value) => signedRaw(key, [SUBWALLET, NOW + 60n, 0n, messages]);
  const cases: [string, Value][] = [
    ["an Int", 5n],
    ["Null", null],
    ["Bytes", new Uint8Array(64)],
    ["an empty Tuple", []],
    ["three items", [sig, walletSigned(transfer()), null]],
    ["a signature of 63 bytes", [new Uint8Array(63), walletSigned(transfer())]],
    ["a signature that is an Int", [1n, walletSigned(transfer())]],
    ["signed as Bytes", [sig, new Uint8Array(4)]],
    ["signed with three items", [sig, [SUBWALLET, NOW, 0n]]],
    ["a subwallet that is Bytes", signedRaw(key, [Uint8Array.of(1), NOW + 60n, 0n, []])],
    ["validUntil as Null", signedRaw(key, [SUBWALLET, null, 0n, []])],
    ["seqno as a Tuple", signedRaw(key, [SUBWALLET, NOW + 60n, [0n], []])],
    ["messages as Null", signedWith(null)],
    ["a message that is an Int", signedWith([7n])],
    ["a message of three items", signedWith([[address(1), 1n, null]])],
    ["a destination of 35 bytes", signedWith([msg({ 0: new Uint8Array(35) })])],
    ["a destination that is an Int", signedWith([msg({ 0: 1n })])],
    ["a negative value", signedWith([msg({ 1: -1n })])],
    ["a value of 2^120", signedWith([msg({ 1: 1n << 120n })])],
    ["a value that is Bytes", signedWith([msg({ 1: Uint8Array.of(1) })])],
    ["mode 8", signedWith([msg({ 3: 8n })])],
    ["mode 64 + 128", signedWith([msg({ 3: 192n })])],
    ["mode 256", signedWith([msg({ 3: 256n })])],
    ["mode -1", signedWith([msg({ 3: -1n })])],
    ["mode as Null", signedWith([msg({ 3: null })])],
    ["a bad second message", signedWith([msg({}), msg({ 3: 8n })])],
    ["a message of six items", signedWith([[address(1), 1n, null, 3n, [new Uint8Array(1), []], null]])],
    ["an init that is Null", signedWith([msg({ 4: null })])],
    ["an init without data", signedWith([msg({ 4: [new Uint8Array(1)] })])],
    ["an init whose code is an Int", signedWith([msg({ 4: [1n, []] })])],
    ["an init with an empty key", signedWith([msg({ 4: [new Uint8Array(1), [[new Uint8Array(0), 1n]]] })])],
    [
      "an init with a key twice",
      signedWith([
        msg({
          4: [
            new Uint8Array(1),
            [
              [Uint8Array.of(1), 1n],
              [Uint8Array.of(1), 2n],
            ],
          ],
        }),
      ]),
    ],
    [
      "an init with its keys out of order",
      signedWith([
        msg({
          4: [
            new Uint8Array(1),
            [
              [Uint8Array.of(1, 0), 1n],
              [Uint8Array.of(2), 2n],
            ],
          ],
        }),
      ]),
    ],
    ["a good init on a bad message", signedWith([msg({ 3: 8n, 4: [new Uint8Array(1), []] })])],
  ];
  test.each(cases)("%s", (_name, body) => {
    expectRefused(deploy().account, body, WALLET_EXIT.BAD_BODY);
  });

  test("any value at all: refused with a wallet code, never a VM trap", () => {
    const { account } = deploy();
    const leaf = fc.oneof(
      fc.constant(null),
      fc.bigInt({ min: -(1n << 130n), max: 1n << 130n }),
      fc.uint8Array({ maxLength: 70 }),
    );
    const value = fc.letrec<{ v: Value }>((tie) => ({
      v: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("v"), { maxLength: 5 })),
    })).v;
    fc.assert(
      fc.property(value, (body) => {
        const r = external(account, body);
        expect(r.accepted).toBe(false);
        expect(r.exitCode).toBeGreaterThanOrEqual(WALLET_EXIT.BAD_BODY);
      }),
      { seed: 20_240_601, numRuns: 300 },
    );
  });
});

describe("wallet: get-methods and top-ups", () => {
  test("the get-methods return the stored values and change nothing", () => {
    const { key, account } = deploy(12n);
    const before = account.snapshot();
    const cases: [string, Value][] = [
      [WALLET_GET.SEQNO, 12n],
      [WALLET_GET.PUBLIC_KEY, key.publicKey],
      [WALLET_GET.SUBWALLET_ID, SUBWALLET],
    ];
    for (const [entry, value] of cases) {
      const r = get(account, entry);
      expect(r).toMatchObject({ exitCode: 0, stack: [value], storage: [], actions: [] });
    }
    expect(account.snapshot()).toEqual(before);
  });

  test("an internal message is a plain top-up, whatever its body", () => {
    const { account } = deploy();
    const before = account.snapshot();
    for (const body of [null, 1n, [Uint8Array.of(1)]]) {
      const r = runOn(account, {
        code,
        entry: RECV_INTERNAL,
        stack: [body],
        context: { msgValue: 3_000_000_000n, balance: 3_000_000_000n, sender: address(9) },
      });
      expect(r).toMatchObject({ exitCode: 0, accepted: true, storage: [], actions: [] });
    }
    expect(account.snapshot()).toEqual(before);
  });
});

describe("wallet: gas", () => {
  /** The smallest external credit with which the run still reaches ACCEPT. */
  function gasToAccept(account: Account, body: Value): bigint {
    let lo = 0n;
    let hi = DEFAULT_GAS_CREDIT;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      const r = run({
        code,
        entry: RECV_EXTERNAL,
        stack: [body],
        host: testHost,
        storage: account.reader,
        gasLimit: 1_000_000n,
        gasCredit: mid,
        context: { now: NOW },
      });
      if (r.accepted) hi = mid;
      else lo = mid + 1n;
    }
    return lo;
  }

  test("a 1-message transfer reaches ACCEPT within half the default credit, and costs less than it", () => {
    const { key, account } = deploy();
    const body = walletTransferBody(transfer(), key.signer);
    const toAccept = gasToAccept(account, body);
    expect(toAccept * 2n).toBeLessThan(DEFAULT_GAS_CREDIT);
    expect(external(account, body, toAccept - 1n)).toMatchObject({
      accepted: false,
      storage: [],
      actions: [],
    });
    const r = external(account, body, toAccept);
    expect(r.exitCode).toBe(0);
    expect(r.gasUsed).toBeGreaterThan(toAccept);
    expect(r.gasUsed).toBeLessThan(DEFAULT_GAS_CREDIT);
  });

  test("four messages still fit the default credit", () => {
    const { key, account } = deploy();
    const body = walletTransferBody(transfer({ messages: MESSAGES }), key.signer);
    expect(gasToAccept(account, body)).toBeLessThan(DEFAULT_GAS_CREDIT);
  });
});

describe("wallet: helpers", () => {
  test("refuse what the wallet would refuse for its form, naming the argument", () => {
    const key = makeKey();
    expect(() => walletStorage({ publicKey: new Uint8Array(33), subwalletId: 0n })).toThrow(/publicKey/);
    expect(() => walletStorage({ publicKey: key.publicKey, subwalletId: 1n << 32n })).toThrow(/subwalletId/);
    expect(() => walletSigned(transfer({ messages: [...MESSAGES, MESSAGES[0]] }))).toThrow(/messages: 5/);
    expect(() =>
      walletSigned(transfer({ messages: [{ ...MESSAGES[0], dest: new Uint8Array(32) }] })),
    ).toThrow(/messages\[0\]\.dest/);
    expect(() => walletSigned(transfer({ messages: [{ ...MESSAGES[0], valueNano: -1n }] }))).toThrow(
      /valueNano/,
    );
    expect(() => walletSigned(transfer({ messages: [{ ...MESSAGES[0], mode: 8 }] }))).toThrow(/mode/);
    expect(() => walletSigned(transfer({ validUntil: -1n }))).toThrow(/validUntil/);
    const twice = {
      code: Uint8Array.of(1),
      data: [0, 0].map(() => ({ key: Uint8Array.of(9), value: null })),
    };
    expect(() => walletSigned(transfer({ messages: [{ ...MESSAGES[0], init: twice }] }))).toThrow(
      /init\.data: the key 09 is given twice/,
    );
    const short = { hashValue: key.signer.hashValue, sign: () => new Uint8Array(32) };
    expect(() => walletTransferBody(transfer(), short)).toThrow(/signature/);
  });
});
