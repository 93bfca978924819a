// End to end, as a user and a script would: a real node process started by `gram testnet up`
// (one validator), the real CLI in child processes, a restart, and a kill -9 of the node in the
// middle of a stream of transfers.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { missingFlags, nodeRuntimeFlags } from "../../cli/runtime.ts";
import { toHex } from "../../node/bytes/index.ts";
import { encode } from "../../node/codec/index.ts";
import { Message } from "../../node/ledger/index.ts";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { transferMessage } from "../../node/wallet/index.ts";
import { TEST_MNEMONIC, testAccounts, testKeyPair } from "../accounts.ts";
import { freeBasePort } from "../ports.ts";
import {
  crash,
  GRAM_TS,
  type GramResult,
  gram as gramIn,
  nodePids,
  startUp,
  stopUp,
  type Up,
} from "./harness.ts";

let root: string;
let netDir: string;
let port: number;
let env: NodeJS.ProcessEnv;
let node: Up | null = null;

const gram = (...args: string[]): Promise<GramResult> =>
  gramIn(env, ["--rpc", `http://127.0.0.1:${port}`, ...args]);

async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await gram(...args, "--json");
  if (r.code !== 0) throw new Error(`gram ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts `gram testnet up` with one validator and resolves once it says the network is up. */
async function up(): Promise<void> {
  node = await startUp(env, ["--validators", "1", "--dir", netDir, "--base-port", String(port)]);
}

/** SIGTERM: a clean stop. SIGKILL: a crash, of the supervisor and of the node it runs. */
async function stop(signal: "SIGTERM" | "SIGKILL"): Promise<number | null> {
  const current = node;
  node = null;
  if (signal === "SIGKILL") {
    await crash(current, netDir);
    return null;
  }
  return current === null ? null : stopUp(current, signal);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-e2e-"));
  netDir = join(root, "net");
  port = await freeBasePort(1);
  env = { ...process.env, GRAM_HOME: join(root, "home"), GRAM_PASSWORD: "correct horse" };
  await up();
}, 90_000);

afterAll(async () => {
  await stop("SIGKILL");
  await rm(root, { recursive: true, force: true });
}, 30_000);

describe("gram against a real node", () => {
  test("the node runs with its V8 settings, in the process testnet up started", async () => {
    const [pid] = await nodePids(netDir);
    const args = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    expect(args).toContain(GRAM_TS);
    expect(args).toContain(join(netDir, "node-0"));
    expect(missingFlags(nodeRuntimeFlags(availableParallelism()), args, env.NODE_OPTIONS ?? "")).toEqual([]);
  });

  test("a newcomer imports a funded wallet, makes another, sends Grams, and finds them after a restart", async () => {
    const accounts = await json<{ mnemonic: string; accounts: { address: string; balance: string }[] }>(
      "testnet",
      "accounts",
    );
    expect(accounts.mnemonic).toBe(TEST_MNEMONIC);
    expect(accounts.accounts).toHaveLength(10);
    const alice = await json<{ address: string; raw: string }>(
      "wallet",
      "import",
      "alice",
      "--mnemonic",
      accounts.mnemonic,
    );
    expect(alice.address).toBe(accounts.accounts[0].address);
    const bob = await json<{ raw: string }>("wallet", "new", "bob");
    const sent = await json<{ hash: string; status: string; fee: string }>(
      "transfer",
      "alice",
      "bob",
      "2.5",
      "--comment",
      "first",
    );
    expect(sent.status).toBe("final");
    expect(BigInt(sent.fee)).toBeGreaterThan(0n);
    const bobBalance = await json<{ balance: string }>("balance", "bob");
    expect(bobBalance.balance).toBe("2500000000");
    const history = await json<{ transactions: { inMsg: { comment: string } }[] }>("history", bob.raw);
    expect(history.transactions[0].inMsg.comment).toBe("first");
    const seqno = await json<{ stack: { int: string }[] }>("contract", "get", "alice", "seqno");
    expect(seqno.stack).toEqual([{ int: "1" }]);
    const tx = await json<{ hash: string }>("tx", sent.hash);
    expect(tx.hash).toBe(sent.hash);

    expect(await stop("SIGTERM")).toBe(0);
    await up();
    expect((await json<{ balance: string }>("balance", "bob")).balance).toBe("2500000000");
    const status = await json<{ masterchain: { seqno: number; hash: string } }>("node", "status");
    expect(status.masterchain.seqno).toBeGreaterThan(0);
  }, 120_000);

  test("bad input gets one line and a non-zero exit", async () => {
    const cases: [string[], RegExp][] = [
      [["transfer", "alice", "bob", "1.0000000001"], /10 decimals/],
      [["transfer", "alice", "bob", "-1"], /amount/],
      [["transfer", "alice", "0:zz", "1"], /hexadecimal/],
      [["transfer", "alice", "bob", "99999999"], /less than/],
      [["balance", "nobody"], /neither a wallet/],
      [["tx", "xyz"], /not a transaction hash/],
    ];
    for (const [args, message] of cases) {
      const r = await gram(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const wrong = await gramIn({ ...env, GRAM_PASSWORD: "wrong" }, [
      "--rpc",
      `http://127.0.0.1:${port}`,
      "transfer",
      "alice",
      "bob",
      "1",
    ]);
    expect(wrong.stderr).toMatch(/wrong password/);
  }, 60_000);

  test("a contract developer deploys the counter from its assembly, calls it, and sees refusals", async () => {
    const file = join(root, "counter.asm");
    await copyFile(join(import.meta.dirname, "..", "..", "vm", "contracts", "counter.asm"), file);
    const args = ["contract", "deploy", file, "--from", "alice", "--value", "1"];
    const deployed = await json<{ address: string; raw: string; status: string; fee: string }>(
      ...args,
      "--data",
      "00=0",
      "--body",
      "5",
    );
    expect(deployed.status).toBe("active");
    expect(BigInt(deployed.fee)).toBeGreaterThan(0n);
    const counter = await json<{ stack: unknown[] }>("contract", "get", deployed.address, "counter");
    expect(counter.stack).toEqual([{ int: "5" }]);
    const balance = await json<{ balance: string }>("balance", deployed.raw);
    expect(BigInt(balance.balance)).toBeGreaterThan(0n);
    expect(BigInt(balance.balance)).toBeLessThanOrEqual(1_000_000_000n);

    const again = await gram(...args, "--data", "00=0", "--body", "5");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already at/);
    // The counter refuses a Null body: its first run fails and the Grams come back.
    const refused = await gram(...args, "--data", "00=1");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /first run of the contract at 0:[0-9a-f]{64} failed \(exit code 32,.*came back to alice/,
    );
    const refusedAt = refused.stderr.match(/contract at (0:[0-9a-f]{64})/)?.[1] ?? "";
    expect((await json<{ balance: string }>("balance", refusedAt)).balance).toBe("0");
    // A first run whose action phase fails without +16 does not bounce: the Grams stay there.
    const spender = join(root, "spender.asm");
    await writeFile(
      spender,
      `.entry recv_internal\n  DROP\n  PUSH x"00000000${"11".repeat(32)}"\n  PUSH 1000000000000\n  PUSHNULL\n  PUSH 0\n  SEND\n`,
    );
    const stuck = await gram("contract", "deploy", spender, "--from", "alice", "--value", "1");
    expect(stuck.code).not.toBe(0);
    expect(stuck.stderr).toMatch(
      /action 1, transaction [0-9a-f]{64}\); [0-9.]+ Gram stay at 0:[0-9a-f]{64}, which has no code/,
    );
    const zero = await gram(...args, "--value", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--value must be more than 0/);
    const bad = join(root, "bad.asm");
    await writeFile(bad, ".entry recv_internal\n  FROB\n");
    const notAsm = await gram("contract", "deploy", bad, "--from", "alice", "--value", "1");
    expect(notAsm.code).not.toBe(0);
    expect(notAsm.stderr).toMatch(/bad\.asm: line 2/);
  }, 120_000);

  test("every transfer reported final survives a kill -9 in the middle of a stream", async () => {
    const client = new RpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 10_000 });
    const key = testKeyPair();
    const [, from, to] = testAccounts();
    const final: string[] = [];
    let seqno = BigInt(
      (
        await client.call<{ stack: { int: string }[] }>("runGetMethod", {
          address: `0:${toHex(from.address.id)}`,
          method: "seqno",
        })
      ).stack[0].int,
    );
    const stream = (async () => {
      for (;;) {
        const m = transferMessage({
          key,
          subwalletId: 1n,
          seqno,
          validUntil: BigInt(Math.floor(Date.now() / 1000) + 60),
          payments: [{ to: to.address, valueNano: 1_000_000n }],
        });
        const sent = await client.call<{ hash: string }>("sendMessage", {
          message: toHex(encode(Message, m)),
        });
        for (;;) {
          const s = await client.call<{ status: string; transaction?: string }>("getMessageStatus", {
            hash: sent.hash,
          });
          if (s.status === "final" && s.transaction) {
            final.push(s.transaction);
            break;
          }
          if (s.status === "refused") throw new Error("refused");
        }
        seqno++;
      }
    })().catch(() => {});
    const until = Date.now() + 20_000;
    while (final.length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await stop("SIGKILL");
    await stream;
    expect(final.length).toBeGreaterThanOrEqual(5);
    await up();
    for (const hash of final) {
      const tx = await client.call<{ hash: string }>("getTransaction", { hash });
      expect(tx.hash).toBe(hash);
    }
    const history = await client.call<unknown[]>("getTransactions", {
      address: `0:${toHex(from.address.id)}`,
      limit: 100,
    });
    expect(history.length).toBeGreaterThanOrEqual(final.length);
  }, 120_000);

  test("every message accepted before a kill -9 is decided after the restart, none lost", async () => {
    const client = new RpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 10_000 });
    const key = testKeyPair();
    const accounts = testAccounts();
    const validUntil = BigInt(Math.floor(Date.now() / 1000) + 120);
    const messages = accounts.slice(3).map((_account, i) =>
      toHex(
        encode(
          Message,
          transferMessage({
            key,
            subwalletId: BigInt(i + 3),
            seqno: 0n,
            validUntil,
            payments: [{ to: accounts[0].address, valueNano: 1_000_000n }],
          }),
        ),
      ),
    );
    // All at once, then the kill at once: some are still waiting for a round when it comes.
    const accepted = await Promise.all(
      messages.map((message) => client.call<{ hash: string }>("sendMessage", { message })),
    );
    await stop("SIGKILL");
    await up();
    for (const { hash } of accepted) {
      const end = Date.now() + 20_000;
      let status = "unknown";
      while (Date.now() < end) {
        status = (await client.call<{ status: string }>("getMessageStatus", { hash })).status;
        if (status === "final" || status === "refused") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status, hash).toBe("final");
    }
  }, 120_000);
});
