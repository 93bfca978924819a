import { describe, expect, test } from "vitest";
import { testFees } from "../ledger/testkit.ts";
import {
  type ConfigParams,
  DEFAULT_GOVERNANCE,
  getParam,
  PARAMS,
  paramSpec,
  paramsError,
  withParam,
} from "./params.ts";

const params: ConfigParams = {
  fees: testFees,
  maxBlockTransactions: 1_000,
  getMethodGasLimit: 100_000n,
  ...DEFAULT_GOVERNANCE,
};

describe("the parameters (config §2)", () => {
  test("every name in the table reads and writes its own field, and the defaults keep every rule", () => {
    expect(paramsError(params)).toBe(null);
    for (const s of PARAMS) {
      const v = getParam(params, s.name);
      const other = v === s.max ? s.min : v + 1n;
      expect(getParam(withParam(params, s.name, other), s.name)).toBe(other);
      expect(paramSpec(s.name)).toBe(s);
    }
    expect(paramSpec("fees.noSuch")).toBe(null);
    expect(() => withParam(params, "fees.gasPrice", 0n)).toThrow(RangeError);
  });

  test("the rules between parameters refuse what would halt the chain", () => {
    const e = params.elections;
    const broken: [string, bigint][] = [
      ["fees.gasCredit", params.fees.gasLimit + 1n],
      ["elections.closeBefore", BigInt(e.openBefore)],
      ["elections.openBefore", BigInt(e.roundSeconds)],
      ["elections.holdSeconds", 15n * BigInt(e.roundSeconds)],
      ["validatorCounts.min", BigInt(params.validatorCounts.max) + 1n],
      ["stakes.min", params.stakes.max + 1n],
    ];
    for (const [name, value] of broken)
      expect(paramsError(withParam(params, name, value)), name).not.toBe(null);
    expect(paramsError(withParam(params, "elections.holdSeconds", 15n * BigInt(e.roundSeconds) - 1n))).toBe(
      null,
    );
    // Below these, a system contract or the tick could not run (staking §1.2).
    expect(paramSpec("fees.gasLimit")?.min).toBeGreaterThanOrEqual(200_000n);
    expect(paramSpec("rewards.mintPerSecond")?.max).toBe(10_000_000_000n);
  });
});
