import { describe, expect, test } from "vitest";
import { EXIT } from "../exitCodes.ts";
import { RECV_EXTERNAL, RECV_INTERNAL } from "../interpreter/run.ts";
import { INT_MAX } from "../limits.ts";
import type { Value } from "../values.ts";
import { counterCode } from "./code.ts";
import { COUNTER_EXIT, COUNTER_GET, COUNTER_KEY, counterAddBody, counterStorage } from "./counter.ts";
import { Account, address, runOn } from "./testKit.ts";

const code = counterCode.program;
const add = (account: Account, body: Value) =>
  runOn(account, {
    code,
    entry: RECV_INTERNAL,
    stack: [body],
    context: { msgValue: 1n, sender: address(5) },
  });
const read = (account: Account) => runOn(account, { code, entry: COUNTER_GET });

describe("counter", () => {
  test("each internal message adds its Int body; the get-method reads the sum", () => {
    const account = new Account(counterStorage());
    expect(read(account).stack).toEqual([0n]);
    for (const [n, total] of [
      [5n, 5n],
      [-2n, 3n],
      [0n, 3n],
      [1n << 200n, (1n << 200n) + 3n],
    ]) {
      const r = add(account, counterAddBody(n));
      expect(r).toMatchObject({ exitCode: 0, storage: [{ key: COUNTER_KEY, value: total }], actions: [] });
      expect(read(account).stack).toEqual([total]);
    }
  });

  test.each<[string, Value]>([
    ["Null", null],
    ["Bytes", Uint8Array.of(1)],
    ["a Tuple", [1n]],
  ])("a body of %s is refused with BAD_BODY and changes nothing", (_name, body) => {
    const account = new Account(counterStorage(7n));
    expect(add(account, body)).toMatchObject({ exitCode: COUNTER_EXIT.BAD_BODY, storage: [], actions: [] });
    expect(read(account).stack).toEqual([7n]);
  });

  test("a sum past 257 bits is INT_OVERFLOW and keeps the old value", () => {
    const account = new Account(counterStorage(INT_MAX));
    expect(add(account, 1n)).toMatchObject({ exitCode: EXIT.INT_OVERFLOW, storage: [] });
    expect(read(account).stack).toEqual([INT_MAX]);
  });

  test("the get-method changes nothing; external messages have no entry", () => {
    const account = new Account(counterStorage(4n));
    expect(read(account)).toMatchObject({ exitCode: 0, stack: [4n], storage: [], actions: [] });
    const ext = runOn(account, { code, entry: RECV_EXTERNAL, stack: [1n] });
    expect(ext).toMatchObject({ exitCode: EXIT.NO_ENTRY, accepted: false, gasUsed: 0n });
    expect(account.snapshot()).toEqual([["00", 4n]]);
  });

  test("the helpers refuse what is not a bigint", () => {
    expect(() => counterAddBody(1 as unknown as bigint)).toThrow(TypeError);
    expect(() => counterStorage("0" as unknown as bigint)).toThrow(TypeError);
  });
});
