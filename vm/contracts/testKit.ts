// Test fixtures for the contract tests: ed25519 keys on node:crypto, an in-memory account
// storage that applies a run's changes, and a runner that runs every scenario twice and requires
// the same result, gas included (the VM's determinism, vm §1.2).
import { generateKeyPairSync, sign } from "node:crypto";
import { expect } from "vitest";
import { type RunOptions, run } from "../interpreter/run.ts";
import type { RunResult, StorageChange } from "../result.ts";
import { testHost } from "../testing.ts";
import type { Value } from "../values.ts";
import type { Signer } from "./signer.ts";
import type { StorageEntry } from "./storage.ts";

export interface TestKey {
  publicKey: Uint8Array;
  signer: Signer;
}

/** A fresh key pair; the signer hashes as the test host's HASH does. */
export function makeKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" });
  return {
    publicKey: new Uint8Array(spki.subarray(spki.length - 32)),
    signer: {
      hashValue: testHost.hashValue,
      sign: (hash) => new Uint8Array(sign(null, hash, privateKey)),
    },
  };
}

/** An address (vm §4.10) on workchain 0 whose account id is `n` repeated. */
export function address(n: number): Uint8Array {
  const a = new Uint8Array(36);
  a.fill(n, 4);
  return a;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** One account's storage: deployed from entries, changed only by successful runs. */
export class Account {
  private readonly map = new Map<string, Value>();
  constructor(entries: readonly StorageEntry[]) {
    for (const e of entries) this.map.set(hex(e.key), e.value);
  }
  readonly reader = { get: (key: Uint8Array): Value | undefined => this.map.get(hex(key)) };
  apply(changes: readonly StorageChange[]): void {
    for (const c of changes) {
      if (c.value === null) this.map.delete(hex(c.key));
      else this.map.set(hex(c.key), c.value);
    }
  }
  snapshot(): [string, Value][] {
    return [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}

export const NOW = 1_700_000_000n;
export const GAS_LIMIT = 1_000_000n;

/** Runs twice, requires identical results, then applies the storage changes to the account. */
export function runOn(
  account: Account,
  opts: Omit<RunOptions, "host" | "storage" | "gasLimit"> & { gasLimit?: bigint },
): RunResult {
  const full: RunOptions = {
    host: testHost,
    storage: account.reader,
    gasLimit: GAS_LIMIT,
    ...opts,
    context: { now: NOW, ...opts.context },
  };
  const first = run(full);
  const second = run(full);
  expect(second).toEqual(first);
  account.apply(first.storage);
  return first;
}
