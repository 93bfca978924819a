// state.*: trie updates/s committed in batches of 1,000 at 10,000 and 1,000,000 keys, on LevelDB,
// and the size of a proof at 1,000,000 keys.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMPTY_HASH, encodeProof, MerkleTrie, type TrieChange } from "../node/state/index.ts";
import { LevelStore } from "../node/store/index.ts";
import type { Benchmark, BenchResult } from "./harness.ts";

const BATCH = 1000;
const VALUE_BYTES = 100;

const keyOf = (i: number): Uint8Array => {
  const buf = new Uint8Array(8);
  new DataView(buf.buffer).setFloat64(0, i);
  return new Uint8Array(createHash("sha256").update(buf).digest());
};

const accountValue = (i: number, round: number): Uint8Array => {
  const value = new Uint8Array(VALUE_BYTES);
  new DataView(value.buffer).setUint32(0, i);
  new DataView(value.buffer).setUint32(4, round);
  return value;
};

/** xorshift32: the same "random" keys every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

interface Fixture {
  trie: MerkleTrie;
  root: Uint8Array;
  keys: number;
  close: () => Promise<void>;
}

async function buildFixture(keys: number): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "gram-bench-state-"));
  const store = await LevelStore.open(dir);
  const trie = new MerkleTrie(store);
  let root = EMPTY_HASH;
  const chunk = 50_000;
  for (let start = 0; start < keys; start += chunk) {
    const changes: TrieChange[] = [];
    for (let i = start; i < Math.min(keys, start + chunk); i++)
      changes.push({ key: keyOf(i), value: accountValue(i, 0) });
    root = await trie.update(root, changes);
  }
  return {
    trie,
    root,
    keys,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Batches of 1,000 random updates of existing keys, each committed in one atomic batch. As a node
 * does with blocks, the next batch is prepared while the previous one is being written, and made
 * when it is due: the 100,000 changes made up front and held through the run cost the collector
 * a third of the rate at a million keys (15-17k against 20-25k updates/s).
 */
async function updatesPerSecond(fixture: Fixture, batches: number): Promise<number> {
  const next = rng(fixture.keys);
  const round = (r: number): TrieChange[] =>
    Array.from({ length: BATCH }, () => {
      const i = next() % fixture.keys;
      return { key: keyOf(i), value: accountValue(i, r) };
    });
  let root = fixture.root;
  // Warm-up: past the collection of what building the fixture left behind, into steady state.
  for (let r = 1; r <= 10; r++) root = await fixture.trie.update(root, round(r));
  const start = performance.now();
  let pending = await fixture.trie.prepare(root, round(11));
  for (let r = 12; r < 11 + batches; r++) {
    const writing = fixture.trie.commit(pending);
    const next = await fixture.trie.prepare(pending.root, round(r), { parent: pending });
    await writing;
    pending = next;
  }
  await fixture.trie.commit(pending);
  const elapsed = performance.now() - start;
  fixture.root = pending.root;
  return Math.round((batches * BATCH * 1000) / elapsed);
}

let large: Fixture | undefined;
async function largeFixture(): Promise<Fixture> {
  large ??= await buildFixture(1_000_000);
  return large;
}

async function withLarge(fn: (f: Fixture) => Promise<BenchResult>): Promise<BenchResult> {
  return fn(await largeFixture());
}

/** The million-key fixture is shared by the benchmarks that ran; it goes once they are done. */
export async function finish(): Promise<void> {
  const fixture = large;
  large = undefined;
  await fixture?.close();
}

export const benchmarks: Benchmark[] = [
  {
    name: "state.update_1e4",
    run: async () => {
      const fixture = await buildFixture(10_000);
      try {
        return { value: await updatesPerSecond(fixture, 100), unit: "update/s", keys: 10_000, batch: BATCH };
      } finally {
        await fixture.close();
      }
    },
  },
  {
    name: "state.update_1e6",
    run: () =>
      withLarge(async (f) => ({
        value: await updatesPerSecond(f, 100),
        unit: "update/s",
        keys: 1_000_000,
        batch: BATCH,
      })),
  },
  {
    name: "state.proof_bytes_1e6",
    run: () =>
      withLarge(async (f) => {
        const next = rng(7);
        let total = 0;
        const samples = 200;
        for (let n = 0; n < samples; n++)
          total += encodeProof(await f.trie.prove(f.root, keyOf(next() % f.keys))).length;
        return { value: Math.round(total / samples), unit: "bytes", keys: 1_000_000, samples };
      }),
  },
];
