import { describe, expect, test } from "vitest";
import { EMPTY_STORAGE, RECV_INTERNAL, type StorageChange } from "../../../vm/index.ts";
import { toHex } from "../../bytes/index.ts";
import { encode } from "../../codec/index.ts";
import { toVmAddress } from "../../ledger/index.ts";
import { testFees } from "../../ledger/testkit.ts";
import { vmHost } from "../../vmhost/index.ts";
import { CHAIN_ADDRESS, ELECTOR_ADDRESS } from "../addresses.ts";
import { CONFIG_PARAM } from "../context.ts";
import { ConfigParams, DEFAULT_GOVERNANCE } from "../params.ts";
import { Storage } from "../records.ts";
import { ELECTOR_OP, electorContract, electorDueAt } from "./contract.ts";
import { ELECTOR_KEYS, ElectorBook, ValidatorRound } from "./state.ts";

const params = {
  fees: testFees,
  maxBlockTransactions: 1_000,
  getMethodGasLimit: 100_000n,
  ...DEFAULT_GOVERNANCE,
};
const paramBytes = encode(ConfigParams, params).slice();
const config = (id: bigint) =>
  id === CONFIG_PARAM.PARAMS ? paramBytes : id === CONFIG_PARAM.GENESIS ? [new Uint8Array(32)] : null;
const key = new Uint8Array(32).fill(7);
const wallet = { workchain: 0n, id: new Uint8Array(32).fill(1) };

function state(): Map<string, StorageChange> {
  const s = new Storage(EMPTY_STORAGE);
  s.write(ELECTOR_KEYS.current, ValidatorRound, {
    since: 0n,
    until: 100_000n,
    members: [{ publicKey: key, stake: 1_000_000n, wallet, reward: 0n, fine: 0n }],
    removed: [],
  });
  s.write(ELECTOR_KEYS.book, ElectorBook, { held: 1_000_000n, roundsPaid: 0n, lastReward: 0n });
  return new Map(s.changes().map((c) => [toHex(c.key), c]));
}

function tick(items: Map<string, StorageChange>, offenders: Uint8Array[], now = 10n) {
  return electorContract({
    entry: RECV_INTERNAL,
    stack: [[ELECTOR_OP.TICK, offenders]],
    storage: { get: (k) => items.get(toHex(k))?.value ?? undefined },
    context: {
      address: toVmAddress(ELECTOR_ADDRESS),
      balance: 1_000_000n,
      msgValue: 0n,
      sender: toVmAddress(CHAIN_ADDRESS),
      now,
      lt: 1n,
      seed: new Uint8Array(32),
      config,
    },
    host: vmHost,
    gasLimit: 1_000_000n,
    stopAtAccept: false,
  });
}

describe("the elector's tick", () => {
  test("fines the last member once, however often its offence is named", () => {
    const items = state();
    const r = tick(items, [key, key]);
    expect(r.exitCode).toBe(0);
    for (const c of r.storage) items.set(toHex(c.key), c);
    const s = new Storage({ get: (k) => items.get(toHex(k))?.value ?? undefined });
    const fine = (1_000_000n * BigInt(params.rewards.finePpm)) / 1_000_000n;
    expect(s.read(ELECTOR_KEYS.current, ValidatorRound)?.members[0].fine).toBe(fine);
    expect(s.read(ELECTOR_KEYS.book, ElectorBook)?.held).toBe(1_000_000n - fine);
    // Named again in a later block: no second fine.
    const again = tick(items, [key]);
    expect(again.storage).toEqual([]);
  });

  test("its next duty is the election's opening while nothing else is due", () => {
    const items = state();
    const reader = { get: (k: Uint8Array) => items.get(toHex(k))?.value ?? undefined };
    const due = electorDueAt(reader, params);
    expect(due).toBe(100_000n - BigInt(params.elections.openBefore));
    expect(tick(items, [], due - 1n).storage).toEqual([]);
    expect(tick(items, [], due).storage.length).toBeGreaterThan(0);
  });
});
