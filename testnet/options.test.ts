import { describe, expect, test } from "vitest";
import {
  assertBasePort,
  assertBlockTimeMs,
  assertNodeCounts,
  assertSpare,
  assertValidators,
  MAX_SPARE,
  MAX_VALIDATORS,
  nodesText,
  portsOf,
} from "./options.ts";

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
    // Spares are nodes too: their ports come after the validators'.
    expect(() => assertBasePort(65_535 - 100 - 4, 4, 1)).not.toThrow();
    expect(() => assertBasePort(65_535 - 100 - 3, 4, 1)).toThrow(
      /4 validators and 1 spare .*up to base\+104/,
    );
  });

  test("spares are 0..16, and validators and spares at most 100 nodes in all", () => {
    for (const n of [0, 1, MAX_SPARE]) expect(() => assertSpare(n)).not.toThrow();
    for (const n of [-1, 1.5, MAX_SPARE + 1, Number.NaN]) expect(() => assertSpare(n)).toThrow(RangeError);
    expect(() => assertNodeCounts(84, 16)).not.toThrow();
    expect(() => assertNodeCounts(85, 16)).toThrow(/at most 100.*85 \+ 16/);
    expect(() => assertNodeCounts(0, 1)).toThrow(/validators/);
    expect([nodesText(1), nodesText(4, 0), nodesText(4, 1), nodesText(1, 2)]).toEqual([
      "1 validator",
      "4 validators",
      "4 validators and 1 spare",
      "1 validator and 2 spares",
    ]);
  });

  test("a block time is 1 ms to a minute", () => {
    expect(() => assertBlockTimeMs(1)).not.toThrow();
    expect(() => assertBlockTimeMs(60_000)).not.toThrow();
    for (const ms of [0, 60_001, 2.5]) expect(() => assertBlockTimeMs(ms)).toThrow(RangeError);
  });
});
