import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { toHex } from "../bytes/index.ts";
import { decode, encode } from "../codec/index.ts";
import { accountId } from "./accountId.ts";
import { forwardFee, gasBought, gasFee, storageFee } from "./fees.ts";
import { type Fees, StateInit } from "./schemas.ts";

interface Vectors {
  fees: Record<keyof Fees, string>;
  fees_vectors: { fn: string; args: string[]; expect: string }[];
  account_ids: { code: string; data: [string, string][]; encoding: string; accountId: string }[];
}

const v = JSON.parse(
  readFileSync(new URL("../../specs/vectors/ledger/ledger.json", import.meta.url), "utf8"),
) as Vectors;
const fees = Object.fromEntries(Object.entries(v.fees).map(([k, x]) => [k, BigInt(x)])) as Fees;
const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

const fns: Record<string, (...args: bigint[]) => bigint> = {
  gasFee: (gas) => gasFee(fees, gas),
  gasBought: (available) => gasBought(fees, available),
  storageFee: (bytes, lastPaid, now) => storageFee(fees, bytes, lastPaid, now),
  forwardFee: (bytes) => forwardFee(fees, bytes),
};

describe("ledger vectors", () => {
  test.each(v.fees_vectors.map((x) => [`${x.fn}(${x.args.join(", ")})`, x] as const))("%s", (_, x) => {
    const fn = fns[x.fn];
    expect(fn, `unknown function ${x.fn}`).toBeDefined();
    expect(fn(...x.args.map(BigInt))).toBe(BigInt(x.expect));
  });

  test.each(v.account_ids.map((x, i) => [i, x] as const))(
    "account id %i is the hash of its StateInit",
    (_, x) => {
      const init: StateInit = { code: hex(x.code), data: x.data.map(([k, val]) => [hex(k), hex(val)]) };
      expect(toHex(encode(StateInit, init))).toBe(x.encoding);
      expect(toHex(accountId(init))).toBe(x.accountId);
      expect(decode(StateInit, hex(x.encoding))).toEqual(init);
    },
  );
});

describe("fees", () => {
  test("fees round up, what a balance buys rounds down: buying never costs more than it has", () => {
    for (const available of [0n, 1n, 399n, 400n, 12_345_678n, 10n ** 9n]) {
      const gas = gasBought(fees, available);
      expect(gasFee(fees, gas)).toBeLessThanOrEqual(available);
      if (gas < fees.gasLimit) expect(gasFee(fees, gas + 1n)).toBeGreaterThan(available);
    }
  });

  test("negative quantities are the caller's bug", () => {
    expect(() => gasFee(fees, -1n)).toThrow(RangeError);
    expect(() => storageFee(fees, -1n, 0n, 1n)).toThrow(RangeError);
    expect(() => forwardFee(fees, -1n)).toThrow(RangeError);
  });
});
