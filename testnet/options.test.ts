import { describe, expect, test } from "vitest";
import { assertBasePort, assertBlockTimeMs, assertValidators, MAX_VALIDATORS, portsOf } from "./options.ts";

describe("the shape of a network", () => {
  test("node i's RPC is on base+i and its p2p on base+100+i", () => {
    expect(portsOf(8645, 0)).toEqual({ rpc: 8645, p2p: 8745 });
    expect(portsOf(8645, 3)).toEqual({ rpc: 8648, p2p: 8748 });
  });

  test("a count of validators is 1..100", () => {
    for (const n of [1, 4, MAX_VALIDATORS]) expect(() => assertValidators(n)).not.toThrow();
    for (const n of [0, -1, 1.5, MAX_VALIDATORS + 1, Number.NaN])
      expect(() => assertValidators(n)).toThrow(RangeError);
  });

  test("a base port leaves room for every port of the network", () => {
    expect(() => assertBasePort(8645, 4)).not.toThrow();
    expect(() => assertBasePort(65_535 - 100 - 3, 4)).not.toThrow();
    expect(() => assertBasePort(65_535 - 100 - 2, 4)).toThrow(/up to base\+103/);
    expect(() => assertBasePort(65_500, 1)).toThrow(RangeError);
    expect(() => assertBasePort(80, 1)).toThrow(RangeError);
    expect(() => assertBasePort(0, 1)).toThrow(RangeError);
    expect(() => assertBasePort(8645.5, 1)).toThrow(RangeError);
    expect(() => assertBasePort(8645, 0)).toThrow(/validators/);
  });

  test("a block time is 1 ms to a minute", () => {
    expect(() => assertBlockTimeMs(1)).not.toThrow();
    expect(() => assertBlockTimeMs(60_000)).not.toThrow();
    for (const ms of [0, 60_001, 2.5]) expect(() => assertBlockTimeMs(ms)).toThrow(RangeError);
  });
});
