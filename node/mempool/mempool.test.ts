import { appendFile, open as fsOpen, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { GENESIS_TIME, GRAM, keyOf, testChain, transfer, walletOf } from "../chain/testkit.ts";
import { encode } from "../codec/index.ts";
import { sha256 } from "../crypto/index.ts";
import { Message } from "../ledger/index.ts";
import { transferMessage } from "../wallet/index.ts";
import { MempoolJournal } from "./journal.ts";
import { DECIDED_GENERATION, Mempool } from "./mempool.ts";

async function setup(options = {}) {
  const { chain, host } = await testChain([
    { seed: "alice", balance: 10n * GRAM },
    { seed: "bob", balance: GRAM },
  ]);
  const mempool = new Mempool(options, { chain, now: () => GENESIS_TIME + 10n });
  return { chain, mempool, host };
}

const pay = [{ to: walletOf("bob"), valueNano: GRAM }];
const bytes = (m: Message) => encode(Message, m);
const hashOfMessage = (m: Message) => sha256(bytes(m));

describe("Mempool", () => {
  test("takes a good transfer once, and blocks take it in arrival order", async () => {
    const { mempool, chain } = await setup();
    const a = await mempool.submit(bytes(transfer("alice", 0n, pay)));
    const b = await mempool.submit(bytes(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }])));
    expect(await mempool.submit(bytes(transfer("alice", 0n, pay)))).toEqual(a);
    expect(mempool.size).toBe(2);
    const taken = mempool.take(10);
    expect(taken.shard.map((m) => m.hash)).toEqual([a, b]);
    expect(mempool.size).toBe(0);
    const round = await chain.produceRound(GENESIS_TIME + 10n, taken);
    expect(round.statuses.map((s) => s.status.kind)).toEqual(["final", "final"]);
    // Once final, the same message is refused as done rather than run again.
    await expect(mempool.submit(bytes(transfer("alice", 0n, pay)))).rejects.toMatchObject({
      code: "MEMPOOL_ALREADY_DONE",
    });
  });

  const refusals: [string, () => Uint8Array, string, number | null][] = [
    ["garbage bytes", () => Uint8Array.of(1, 2, 3), "MEMPOOL_BAD_MESSAGE", null],
    [
      "a wrong signature",
      () =>
        bytes(
          transferMessage({
            key: keyOf("mallory"),
            subwalletId: 0n,
            seqno: 0n,
            validUntil: GENESIS_TIME + 60n,
            payments: pay,
            workchain: 0n,
          }),
        ),
      "MEMPOOL_REFUSED",
      null,
    ],
    ["a replayed seqno", () => bytes(transfer("alice", 5n, pay)), "MEMPOOL_REFUSED", 33],
    ["an expired message", () => bytes(transfer("alice", 0n, pay, GENESIS_TIME)), "MEMPOOL_REFUSED", 36],
    [
      "an internal message",
      () =>
        bytes({
          kind: "internal",
          src: walletOf("bob"),
          dest: walletOf("alice"),
          value: 1n,
          fwdFee: 0n,
          bounce: false,
          bounced: false,
          body: Uint8Array.of(0xc0),
          init: null,
          createdLt: 0n,
          createdAt: 0n,
        }),
      "MEMPOOL_NOT_EXTERNAL",
      null,
    ],
    [
      "an unknown workchain",
      () =>
        bytes({ ...transfer("alice", 0n, pay), dest: { workchain: 5n, id: new Uint8Array(32) } } as Message),
      "MEMPOOL_UNKNOWN_WORKCHAIN",
      null,
    ],
    [
      "an address with no code",
      () =>
        bytes({
          kind: "externalIn",
          dest: { workchain: 0n, id: new Uint8Array(32) },
          body: Uint8Array.of(0xc0),
          init: null,
        }),
      "MEMPOOL_REFUSED",
      null,
    ],
  ];
  test.each(refusals)("refuses %s and says why", async (_, make, code, exitCode) => {
    const { mempool } = await setup();
    const e = await mempool.submit(make()).catch((x) => x);
    expect(e).toMatchObject({ code });
    expect(e.message.length).toBeGreaterThan(10);
    if (exitCode !== null) expect(e.exitCode).toBe(exitCode);
    expect(mempool.size).toBe(0);
  });

  test("a wrong signature names the wallet's signature exit code", async () => {
    const { mempool } = await setup();
    const m = transfer("alice", 0n, pay) as Extract<Message, { kind: "externalIn" }>;
    const body = m.body.slice();
    body[body.length - 1] ^= 1; // the signed part changes, so the signature no longer matches it
    const e = await mempool.submit(bytes({ ...m, body })).catch((x) => x);
    expect(e).toMatchObject({ code: "MEMPOOL_REFUSED", exitCode: 35 });
  });

  test("refuses oversized messages before decoding and a full pool with a reason", async () => {
    const { mempool } = await setup({ maxMessageBytes: 100, maxPending: 1 });
    await expect(mempool.submit(new Uint8Array(101))).rejects.toMatchObject({ code: "MEMPOOL_TOO_LARGE" });
    const small = await setup({ maxPending: 1 });
    await small.mempool.submit(bytes(transfer("alice", 0n, pay)));
    await expect(small.mempool.submit(bytes(transfer("bob", 0n, pay)))).rejects.toMatchObject({
      code: "MEMPOOL_FULL",
    });
  });
});

describe("Mempool journal (chain §7.3)", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function journaled(segmentBytes?: number) {
    const { chain } = await testChain([
      { seed: "alice", balance: 10n * GRAM },
      { seed: "bob", balance: GRAM },
    ]);
    const dir = await mkdtemp(join(tmpdir(), "gram-journal-"));
    dirs.push(dir);
    // Each open is a node started again on the same directory.
    const open = async () =>
      new Mempool(
        {},
        {
          chain,
          journal: await MempoolJournal.open(dir, { segmentBytes }),
          store: chain.store,
          now: () => GENESIS_TIME + 10n,
        },
      );
    return { chain, open, dir };
  }
  /** Waits (at most 5 s) for what `take` started without waiting: the journal forgetting. */
  async function until(done: () => Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 5_000; !(await done()); ) {
      if (Date.now() > end) throw new Error("timed out waiting for the journal");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test("accepted messages wait again after a restart, in arrival order", async () => {
    const { open } = await journaled();
    const first = await open();
    const a = await first.submit(bytes(transfer("alice", 0n, pay)));
    const b = await first.submit(bytes(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }])));
    const again = await open();
    expect(await again.restore()).toBe(2);
    expect(again.take(10).shard.map((m) => m.hash)).toEqual([a, b]);
  });

  test("a message a round made final is not taken again, even when its entry outlived the round", async () => {
    const { chain, open } = await journaled();
    const first = await open();
    const a = await first.submit(bytes(transfer("alice", 0n, pay)));
    await chain.produceRound(GENESIS_TIME + 11n, first.take(10));
    // A crash here: the next take, which would have removed the entry, never comes.
    const again = await open();
    expect(await again.restore()).toBe(0);
    expect(again.has(a)).toBe(false);
    expect(await (await open()).restore()).toBe(0);
  });

  test("a segment goes once every message in it is decided and appends have moved on", async () => {
    const { chain, open, dir } = await journaled(1);
    const first = await open();
    await first.submit(bytes(transfer("alice", 0n, pay)));
    await first.submit(bytes(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }])));
    expect((await readdir(dir)).length).toBe(2);
    await chain.produceRound(GENESIS_TIME + 11n, first.take(10));
    first.take(10);
    // The second segment still takes appends; the first goes.
    await until(async () => (await readdir(dir)).length === 1);
    expect(await readdir(dir)).toEqual(["00000001.journal"]);
    expect(await (await open()).restore()).toBe(0);
    await until(async () => (await readdir(dir)).length === 0);
  });

  test("a message its round refused and that was sent again keeps its entry", async () => {
    const { chain, open } = await journaled();
    const first = await open();
    const m = bytes(transfer("alice", 0n, pay));
    const a = await first.submit(m);
    // Taken, and not made final by its round (as when the block has no room): sent again.
    const taken = first.take(10);
    await chain.produceRound(GENESIS_TIME + 11n, { shard: [], mc: [] });
    expect(taken.shard.map((x) => x.hash)).toEqual([a]);
    await first.submit(m);
    first.take(0);
    // Nothing to forget: the message waits again, so its entries stay and a restart finds it.
    await new Promise((r) => setTimeout(r, 20));
    expect(await (await open()).restore()).toBe(1);
  });

  test("a write a crash cut short is dropped, and the entries before it wait again", async () => {
    const { open, dir } = await journaled();
    const first = await open();
    const a = await first.submit(bytes(transfer("alice", 0n, pay)));
    const [segment] = await readdir(dir);
    await appendFile(join(dir, segment), Uint8Array.of(0, 0, 0, 90, 1, 2, 3));
    // A file of nothing but garbage, as an interrupted first write could leave.
    await writeFile(join(dir, "00000007.journal"), new Uint8Array(64).fill(0xab));
    const journal = await MempoolJournal.open(dir);
    const again = new Mempool(
      {},
      { chain: (await journaled()).chain, journal, now: () => GENESIS_TIME + 10n },
    );
    expect(await again.restore()).toBe(1);
    expect(again.has(a)).toBe(true);
    expect(journal.droppedBytes).toBe(7 + 64);
  });

  test("after a write that failed part way, later entries go to a new segment and survive a restart", async () => {
    const { dir } = await journaled();
    const journal = await MempoolJournal.open(dir);
    await journal.add(sha256(Uint8Array.of(1)), Uint8Array.of(1, 1, 1));
    // The disk takes half of the next write, then fails.
    const handle = await fsOpen(join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(handle) as { write: (...a: unknown[]) => Promise<unknown> };
    await handle.close();
    const realWrite = proto.write;
    let calls = 0;
    const spy = vi.spyOn(proto, "write").mockImplementation(async function (this: unknown, ...a: unknown[]) {
      calls++;
      if (calls === 1) return realWrite.call(this, a[0], 0, 10);
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    await expect(journal.add(sha256(Uint8Array.of(2)), Uint8Array.of(2, 2, 2))).rejects.toThrow("no space");
    spy.mockRestore();
    await journal.add(sha256(Uint8Array.of(3)), Uint8Array.of(3, 3, 3));
    await journal.close();
    const again = await MempoolJournal.open(dir);
    expect((await again.load()).map((e) => e.bytes)).toEqual([
      Uint8Array.of(1, 1, 1),
      Uint8Array.of(3, 3, 3),
    ]);
    expect(again.droppedBytes).toBe(10);
  });

  test("entries of the LevelDB journal of format 4 move over, oldest first, and leave the store", async () => {
    const { chain, open } = await journaled();
    const a = transfer("alice", 0n, pay);
    const b = transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }]);
    const legacy = (m: Message, seq: number) => {
      const value = new Uint8Array(8 + bytes(m).length);
      value[7] = seq;
      value.set(bytes(m), 8);
      return { type: "put" as const, key: Uint8Array.of(0x50, ...hashOfMessage(m)), value };
    };
    await chain.store.write([legacy(b, 2), legacy(a, 1)]);
    const first = await open();
    expect(await first.restore()).toBe(2);
    expect(first.take(10).shard.map((m) => m.hash)).toEqual([hashOfMessage(a), hashOfMessage(b)]);
    const left = [];
    for await (const e of chain.store.entries({ start: Uint8Array.of(0x50), end: Uint8Array.of(0x51) }))
      left.push(e);
    expect(left).toEqual([]);
    // Now in the file journal: a second restart still finds them.
    expect(await (await open()).restore()).toBe(2);
    await chain.store.write([{ type: "put", key: Uint8Array.of(0x50, 1, 2), value: Uint8Array.of(1) }]);
    await expect((await open()).restore()).rejects.toThrow(/journal/);
  });
});

describe("Mempool: a message in the round being built", () => {
  test("still reads as waiting until its round is written", async () => {
    const { chain, mempool } = await setup();
    const a = await mempool.submit(bytes(transfer("alice", 0n, pay)));
    const taken = mempool.take(10);
    expect(mempool.size).toBe(0);
    expect(mempool.has(a)).toBe(true);
    const round = await chain.produceRound(GENESIS_TIME + 11n, taken);
    mempool.settled(round.statuses.map((s) => s.hash));
    expect(mempool.has(a)).toBe(false);
  });
});

describe("Mempool: checks in flight", () => {
  test("count toward maxPending, so a burst cannot queue checks past it", async () => {
    const { mempool } = await setup({ maxPending: 1 });
    const results = await Promise.allSettled([
      mempool.submit(bytes(transfer("alice", 0n, pay))),
      mempool.submit(bytes(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }]))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "MEMPOOL_FULL" });
  });
});

describe("Mempool between validators (consensus §8)", () => {
  test("a peer's message is taken without a run, once, and not after its round decided it", async () => {
    const { mempool } = await setup();
    const m = bytes(transfer("alice", 0n, pay));
    expect(mempool.admit(m)).toBe(true);
    expect(mempool.admit(m)).toBe(false);
    expect(mempool.has(sha256(m))).toBe(true);
    expect(() => mempool.admit(Uint8Array.of(1, 2, 3))).toThrow(
      expect.objectContaining({ code: "MEMPOOL_BAD_MESSAGE" }),
    );
    // A round decided it (whoever proposed): it waits no more, and a late copy is not taken.
    mempool.decided([sha256(m)]);
    expect(mempool.has(sha256(m))).toBe(false);
    expect(mempool.admit(m)).toBe(false);
  });

  test("a copy of a message decided long ago is dropped when a proposal would offer it", async () => {
    const { mempool, chain } = await setup();
    const old = bytes(transfer("alice", 0n, pay));
    await chain.produceRound(GENESIS_TIME + 10n, { shard: [mempool.decodeExternal(old)], mc: [] });
    // Past the rounds the mempool remembers: a fresh one knows of none.
    const fresh = new Mempool({}, { chain, now: () => GENESIS_TIME + 10n });
    const next = bytes(transfer("bob", 0n, [{ to: walletOf("alice"), valueNano: 1n }]));
    expect(fresh.admit(old)).toBe(true);
    expect(fresh.admit(next)).toBe(true);
    const offered = await fresh.proposable(10);
    expect(offered.shard.map((m) => m.bytes)).toEqual([next]);
    expect(fresh.has(sha256(old))).toBe(false);
    expect(fresh.admit(old)).toBe(false);
    expect(fresh.size).toBe(1);
  });

  test("a decided message is remembered for a generation after its own", async () => {
    const { mempool } = await setup();
    const m = bytes(transfer("alice", 0n, pay));
    mempool.decided([sha256(m)]);
    // One generation later it is still known; two later it is forgotten and taken again.
    const filler = (g: number) =>
      Array.from({ length: DECIDED_GENERATION }, (_, i) => sha256(Uint8Array.of(g, i >> 8, i & 0xff)));
    mempool.decided(filler(1));
    expect(mempool.admit(m)).toBe(false);
    mempool.decided(filler(2));
    expect(mempool.admit(m)).toBe(true);
  });

  test("peek leaves messages waiting and stops at the byte budget", async () => {
    const { mempool } = await setup();
    const a = bytes(transfer("alice", 0n, pay));
    const b = bytes(transfer("bob", 0n, pay));
    mempool.admit(a);
    mempool.admit(b);
    expect(mempool.peek(10).shard).toHaveLength(2);
    expect(mempool.peek(10).shard).toHaveLength(2);
    expect(mempool.peek(1).shard).toHaveLength(1);
    expect(mempool.peek(10, a.length).shard.map((x) => x.bytes)).toEqual([a]);
    expect(mempool.peek(10, a.length - 1).shard).toHaveLength(0);
    expect(mempool.size).toBe(2);
  });
});
