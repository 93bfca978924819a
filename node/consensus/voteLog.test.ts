import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { keyPairFromSeed, sha256 } from "../crypto/index.ts";
import { LevelStore } from "../store/index.ts";
import { HeightMachine } from "./machine.ts";
import { keyConsensusSigner, PREVOTE, signProposal, signVote } from "./messages.ts";
import { ValidatorSet } from "./validatorSet.ts";
import { VoteLog } from "./voteLog.ts";

const network = sha256(Uint8Array.of(3));
const chain = { workchain: -1n, shard: 0x8000_0000_0000_0000n };
const other = { workchain: 0n, shard: 0x8000_0000_0000_0000n };
const signer = keyConsensusSigner(keyPairFromSeed(sha256(Uint8Array.of(4))));
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("the log of own messages", () => {
  test("survives a reopen, keeps heights and chains apart, and forgets decided heights", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-votelog-"));
    dirs.push(dir);
    let store = await LevelStore.open(dir);
    let log = new VoteLog(store, 0x57);
    const v = (height: bigint, round: number, c = chain) =>
      signVote(network, { chain: c, height, round, type: PREVOTE, value: null }, signer);
    const p = signProposal(
      network,
      { chain, height: 7n, round: 1, validRound: -1n, value: sha256(Uint8Array.of(5)) },
      signer,
    );
    await log.append({ vote: v(6n, 0) });
    await log.append({ vote: v(7n, 0) });
    await log.append({ proposal: p });
    await log.append({ vote: v(7n, 1) });
    await log.append({ vote: v(7n, 0, other) });
    await store.close();

    store = await LevelStore.open(dir);
    log = new VoteLog(store, 0x57);
    const back = await log.load(chain, 7n);
    expect(back.votes.map((x) => [x.height, x.round])).toEqual([
      [7n, 0],
      [7n, 1],
    ]);
    expect(back.proposals).toEqual([p]);
    // A message written after the reopen sorts after those read back.
    await log.append({ vote: v(7n, 2) });
    expect((await log.load(chain, 7n)).votes.map((x) => x.round)).toEqual([0, 1, 2]);
    await log.prune(chain, 7n);
    expect((await log.load(chain, 6n)).votes).toEqual([]);
    expect((await log.load(other, 7n)).votes).toHaveLength(1);
    // What the log holds restarts a machine in its round, locked where it was.
    const set = new ValidatorSet([{ publicKey: signer.publicKey, stake: 1n }]);
    const m = new HeightMachine({
      network,
      chain,
      height: 7n,
      validators: set,
      signer,
      timeouts: { proposeMs: 1, prevoteMs: 1, precommitMs: 1, deltaMs: 1 },
      restored: await log.load(chain, 7n),
    });
    m.start();
    expect(m.round).toBe(2);
    // Pruning goes on from where it ended: later heights go, and the current one stays.
    await log.append({ vote: v(8n, 0) });
    await log.append({ vote: v(9n, 0) });
    await log.prune(chain, 9n);
    expect((await log.load(chain, 7n)).votes).toEqual([]);
    expect((await log.load(chain, 8n)).votes).toEqual([]);
    expect((await log.load(chain, 9n)).votes).toHaveLength(1);
    await log.prune(chain, 8n);
    expect((await log.load(chain, 9n)).votes).toHaveLength(1);
    await store.close();
  });

  test("syncs each message to the disk, and reads a chain's log from the store once per process", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-votelog-"));
    dirs.push(dir);
    let store = await LevelStore.open(dir);
    const v = (height: bigint, c = chain) =>
      signVote(network, { chain: c, height, round: 0, type: PREVOTE, value: null }, signer);
    const earlier = new VoteLog(store, 0x57);
    await earlier.append({ vote: v(3n) });
    await earlier.append({ vote: v(9n) });
    await store.close();
    store = await LevelStore.open(dir);
    let scans = 0;
    const entries = store.entries.bind(store);
    store.entries = (range) => {
      scans++;
      return entries(range);
    };
    const synced: boolean[] = [];
    const write = store.write.bind(store);
    store.write = (ops, options) => {
      synced.push(options?.sync === true);
      return write(ops, options);
    };
    const log = new VoteLog(store, 0x57);
    // The first prune finds what the run before left, below the height and above it.
    await log.prune(chain, 5n);
    expect(scans).toBe(1);
    expect((await log.load(chain, 3n)).votes).toEqual([]);
    expect((await log.load(chain, 9n)).votes).toHaveLength(1);
    synced.length = 0;
    await log.append({ vote: v(20n) });
    // A vote is on the disk itself before append resolves (consensus §5.1).
    expect(synced).toEqual([true]);
    for (let h = 6n; h < 20n; h++) await log.prune(chain, h);
    expect((await log.load(chain, 20n)).votes).toHaveLength(1);
    await log.prune(chain, 21n);
    expect((await log.load(chain, 20n)).votes).toEqual([]);
    // One scan for the chain in all of that; another chain is read once too.
    expect(scans).toBe(1);
    await log.load(other, 1n);
    expect(scans).toBe(2);
    await store.close();
    // What the prunes deleted is gone from the store, and what is left is read back.
    store = await LevelStore.open(dir);
    const reopened = new VoteLog(store, 0x57);
    for (const h of [3n, 9n, 20n]) expect((await reopened.load(chain, h)).votes).toEqual([]);
    await reopened.append({ vote: v(30n) });
    await store.close();
    store = await LevelStore.open(dir);
    expect((await new VoteLog(store, 0x57).load(chain, 30n)).votes).toHaveLength(1);
    await store.close();
  });
});
