import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { fromHex, toHex } from "../bytes/index.ts";
import { encode, t } from "../codec/index.ts";
import { Account } from "../ledger/index.ts";
import { type JobParts, packJob, unpackJob } from "./jobWire.ts";

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 37 + i) & 0xff);
const active: Account = {
  balance: 5_000_000_000n,
  status: { kind: "active", codeHash: bytes(32, 1), storageRoot: bytes(32, 2) },
  storageBytes: 407,
  lastPaid: 1_700_000_000n,
  storageDue: 0n,
  lastLt: 144_613n,
  lastTxHash: bytes(32, 3),
};
const base: JobParts = {
  address: { workchain: 0n, id: bytes(32, 4) },
  account: active,
  storage: [
    ["00", [bytes(32, 5), 189n]],
    ["01", 49n],
  ],
  message: bytes(162, 6),
  env: { now: 1_700_000_001n, lt: 145_382n, seed: new Uint8Array(32), inMsgHash: bytes(32, 7) },
  upTo: "accept",
};

describe("a dry run's packed parts", () => {
  test("read back as the job they were packed from, in every shape a job takes", () => {
    const shapes: JobParts[] = [
      base,
      { ...base, account: null, storage: [], upTo: "end" },
      {
        ...base,
        address: { workchain: -1n, id: bytes(32, 8) },
        account: {
          ...active,
          status: { kind: "frozen", codeHash: bytes(32, 9), storageRoot: bytes(32, 10) },
        },
        env: { now: 2n ** 64n - 1n, lt: 0n, seed: bytes(32, 11), keepEncodings: true },
      },
      { ...base, account: { ...active, status: { kind: "uninit" } }, message: new Uint8Array(0) },
    ];
    for (const job of shapes) expect(unpackJob(packJob(job))).toEqual(job);
    // Packed into a view at an offset of a larger buffer, as a batch packs its runs.
    const shared = new Uint8Array(64 * 1024);
    let used = 8;
    const alloc = (n: number) => {
      const out = shared.subarray(used, used + n);
      used += n;
      return out;
    };
    for (const job of shapes) expect(unpackJob(packJob(job, alloc))).toEqual(job);
  });

  test("carry the encodings a caller hands in as they are, the same bytes as encoding anew", () => {
    const encoded = {
      account: encode(Account, active),
      storage: base.storage.map(([k, v]) => ({ key: fromHex(k) as Uint8Array, value: encode(t.vmValue, v) })),
    };
    expect(packJob({ ...base, encoded })).toEqual(packJob(base));
    expect(unpackJob(packJob({ ...base, encoded }))).toEqual(base);
    expect(() => packJob({ ...base, encoded: { ...encoded, storage: [] } })).toThrow(RangeError);
  });

  test("carry any storage: keys of any length, nested values", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.uint8Array({ minLength: 0, maxLength: 128 }),
            fc.oneof(
              fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n - 1n }),
              fc.uint8Array({ maxLength: 300 }),
            ),
          ),
          { maxLength: 8 },
        ),
        (items) => {
          const job = { ...base, storage: items.map(([k, v]) => [toHex(k), [v, null]] as [string, never]) };
          expect(unpackJob(packJob(job))).toEqual(job);
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  test("refuse to pack what they cannot carry, and to unpack what they did not pack", () => {
    expect(() => packJob({ ...base, storage: [["0g", 1n]] })).toThrow();
    expect(() => packJob({ ...base, env: { ...base.env, seed: new Uint8Array(31) } })).toThrow(RangeError);
    const packed = packJob(base);
    expect(() => unpackJob(packed.subarray(0, packed.length - 1))).toThrow();
    const longer = new Uint8Array(packed.length + 1);
    longer.set(packed);
    expect(() => unpackJob(longer)).toThrow(RangeError);
  });
});
