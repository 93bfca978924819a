// The load the chain.* and net.* benchmarks drive nodes with: signed wallet-to-wallet transfers
// (signed before the clock starts), each wallet with one message in flight, submitted in JSON-RPC
// batches, each one's end (final or refused) heard on a node's `message` subscription. Figures:
// final transfers/s, submission-to-final latency (p50, p99, of the transfers sent once the
// pipeline is full and the nodes are warm), and the CPU per transfer of the nodes and of the load.

import { readFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { toHex } from "../node/bytes/index.ts";
import type { Genesis } from "../node/chain/index.ts";
import { encode } from "../node/codec/index.ts";
import { keyPairFromSeed, sha256 } from "../node/crypto/index.ts";
import { type LedgerAddress, Message } from "../node/ledger/index.ts";
import { RpcClient } from "../node/rpcclient/index.ts";
import { transferMessage, walletAddress } from "../node/wallet/index.ts";

/**
 * Wallets in flight at once. In a closed loop the latency is the number in flight over the rate
 * (Little's law), so the load holds as many as keep the node busy and no more: 1,000 give the
 * rate that 2,000 gave (2,353-2,773 against 2,388-2,476 transfers/s, measured side by side)
 * at half the latency, and at the goal of 5,000/s they would wait 200 ms.
 */
export const WALLETS = 1_000;
export const LOAD_MS = 20_000;
/**
 * Load before the measured window: the figures are of nodes that have run a while, as a network's
 * do. A node fresh from its start spends its first seconds of load compiling: V8 optimises the
 * hot code as it meets it, and recompiles what later input deoptimises. Measured with perf over
 * the 4 validators of net.transfers_4v, the optimising compiler took 12-16% of the nodes' CPU in
 * the first 30 s of load. Counted with --trace-opt on one validator, in 5 s steps from its start:
 * about 400 optimisations a step up to 30 s, 170 at 35 s, 100 at 40 s, and 30-70 from 45 s on, so
 * a window that starts 40 s into the load measures settled nodes; one that started at 10 s paid
 * for about 1,200 of them. In 3 alternating pairs, 10 s against 40 s: 1,058 against 1,120
 * transfers/s on average, and 1,715 against 1,611 µs of node CPU per transfer; one pair went the
 * other way, as the machine's speed swings by a fifth between runs.
 */
export const WARMUP_MS = 40_000;
/** What a bench line says of the load it measured. */
export const LOAD_FIELDS = { loadMs: LOAD_MS, warmupMs: WARMUP_MS } as const;
/** Transfers signed ahead, over all wallets: more than they send in LOAD_MS at 5,000/s. */
const PRESIGNED_TOTAL = 128_000;
export const GRAM = 1_000_000_000n;

const key = keyPairFromSeed(sha256(new TextEncoder().encode("gram bench wallets")));

/** The load's funded wallets, and `plain` accounts without code, for a genesis. */
export function benchAccounts(wallets: number, plain = 0): Genesis["accounts"] {
  const accounts: Genesis["accounts"] = [];
  for (let i = 0; i < wallets; i++)
    accounts.push({
      address: walletAddress(key.publicKey, BigInt(i)),
      balance: 1_000n * GRAM,
      wallet: { publicKey: key.publicKey, subwalletId: BigInt(i) },
    });
  for (let i = 0; i < plain; i++) {
    const id = sha256(new TextEncoder().encode(`plain ${i}`));
    accounts.push({ address: { workchain: 0n, id }, balance: GRAM, wallet: null });
  }
  return accounts;
}

/**
 * The load's HTTP client: node:http on keep-alive connections rather than fetch. The load shares
 * the machine's cores with the node, so what it spends is taken from the node's figure: with
 * fetch it spent 25-26 µs per transfer, with this 16 (measured, 3 runs each).
 */
const agent = new Agent({ keepAlive: true });

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a load script would
type Answer = { result?: any; error?: any };
let nextId = 1;
export async function batch(url: string, calls: { method: string; params: unknown }[]): Promise<Answer[]> {
  const body = calls.map((c) => ({ jsonrpc: "2.0", id: nextId++, method: c.method, params: c.params }));
  const answers = JSON.parse(await post(url, JSON.stringify(body))) as {
    id: number;
    result?: unknown;
    error?: unknown;
  }[];
  const byId = new Map(answers.map((a) => [a.id, a]));
  return body.map((b) => byId.get(b.id) ?? { error: "missing" });
}

export async function firstBlock(url: string, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    try {
      const [a] = await batch(url, [{ method: "getChainInfo", params: {} }]);
      if ((a.result?.masterchain?.seqno ?? 0) >= 1) return;
    } catch {}
    if (performance.now() > end) throw new Error("the node did not produce a block in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function chunks<T, R>(items: T[], size: number, f: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const parts: Promise<R[]>[] = [];
  for (let i = 0; i < items.length; i += size) parts.push(f(items.slice(i, i + size)));
  return (await Promise.all(parts)).flat();
}

export interface LoadResult {
  tps: number;
  /** CPU (µs) per final transfer over the measured window: the node processes, and this load. */
  nodeCpuUs: number;
  /** The same for each node process, in the order of `pids`. */
  nodeCpuUsEach: number[];
  /** The node's main thread over the window, in % of wall time: running, and ready but waiting for a core. */
  mainRunPct: number | null;
  mainWaitPct: number | null;
  loadCpuUs: number;
  p50: number;
  p99: number;
  /** Transfers sent in the measured window that became final: what p50 and p99 are taken of. */
  latencySamples: number;
  finals: number;
  refused: number;
  /** Submission batches that failed on the way (a reset connection) and were sent again. */
  resent: number;
}

/** Failed submission batches a run sends again before it gives up. */
const MAX_RESENDS = 20;

/** A message with no event this long after its submission is asked for by getMessageStatus. */
const STRAY_MS = 5_000;

/**
 * The main thread's scheduler times (ns): on the CPU, and runnable but waiting for one. Its thread
 * id is the process id. Null where the kernel keeps no schedstat.
 */
async function schedOf(pid: number | undefined): Promise<{ run: number; wait: number } | null> {
  try {
    const [run, wait] = (await readFile(`/proc/${pid}/task/${pid}/schedstat`, "utf8")).split(" ").map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { run, wait } : null;
  } catch {
    return null;
  }
}

/** CPU time of each process so far, in µs: user + system clock ticks of /proc (USER_HZ is 100). */
async function cpusOf(pids: readonly (number | undefined)[]): Promise<number[]> {
  return Promise.all(pids.map(cpuOf));
}

async function cpuOf(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces; the fields after it are fixed (utime is the 14th field).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * The load against running nodes: each wallet sends to one of the nodes' RPCs and hears its
 * transfers' ends on that node's subscription; the CPU counted is the nodes' processes together.
 */
export async function runLoad(
  node: { urls: string[]; pids: (number | undefined)[] },
  wallets = WALLETS,
  loadMs = LOAD_MS,
  /** The subwallet id of the first wallet: a second load on one chain takes fresh wallets. */
  firstWallet = 0,
  /** Load before the window; 0 when the nodes ran a load just before. */
  warmupMs = WARMUP_MS,
): Promise<LoadResult> {
  {
    const addresses: LedgerAddress[] = Array.from({ length: wallets }, (_, i) =>
      walletAddress(key.publicKey, BigInt(firstWallet + i)),
    );
    const seqnos = new Array<bigint>(wallets).fill(0n);
    const latencies: number[] = [];
    // Where the window of the rate, and of the latencies, starts (the first final): the transfers
    // sent at once at the start wait for the pipeline to fill (up to 1.5 s), and counted in they
    // made the p99 a measure of the start, not of the load (1,119 against 510 ms in one run).
    let measuredFrom = Number.POSITIVE_INFINITY;
    let refused = 0;
    let finals = 0;
    let resent = 0;
    let lost: Error | null = null;
    const inflight = new Map<string, { wallet: number; sentAt: number }>();
    const validUntil = BigInt(Math.floor(Date.now() / 1000) + 300);
    const signed = (i: number, seqno: bigint) => {
      const bytes = encode(
        Message,
        transferMessage({
          key,
          subwalletId: BigInt(firstWallet + i),
          seqno,
          validUntil,
          payments: [{ to: addresses[(i + 1) % wallets], valueNano: 1_000n }],
        }),
      );
      return { hex: toHex(bytes), hash: toHex(sha256(bytes)) };
    };
    // Each wallet's next transfers are signed before the clock starts, as load tools
    // do: the clients of a real node sign on their own machines, not on the node's two cores.
    const presigned = Math.ceil((PRESIGNED_TOTAL * (loadMs + warmupMs)) / LOAD_MS / wallets);
    const ready = addresses.map((_, i) => Array.from({ length: presigned }, (_, n) => signed(i, BigInt(n))));
    const next = (i: number) => ready[i][Number(seqnos[i])] ?? signed(i, seqnos[i]);
    // Wallets whose message ended, sent again together once the events of this turn are read.
    let again: number[] = [];
    // Each wallet talks to one node, as a wallet app does: it hears its transfer is final from
    // that node and sends the next there. Sent to another, the next transfer may meet a node a few
    // ms behind, still at the wallet's old seqno, and be refused.
    const nodeOf = (wallet: number) => wallet % node.urls.length;
    const submit = async (wallets: number[]) => {
      const msgs = wallets.map((i) => ({ i, ...next(i) }));
      // Known before it is sent: its final event may come before the answer does.
      const sentAt = performance.now();
      for (const m of msgs) inflight.set(m.hash, { wallet: m.i, sentAt });
      await Promise.all(
        node.urls.map(async (url, n) => {
          const mine = msgs.filter((m) => nodeOf(m.i) === n);
          const answers = await chunks(mine, 100, (part) =>
            batch(
              url,
              part.map((m) => ({ method: "sendMessage", params: { message: m.hex } })),
            ),
          );
          answers.forEach((a, k) => {
            if (a.result?.hash === mine[k].hash) return;
            // A refused submission leaves its wallet idle, as before: it is counted, not retried.
            if (inflight.delete(mine[k].hash)) refused++;
          });
        }),
      );
    };
    // A batch whose connection failed (a reset keep-alive socket) goes again: the same signed
    // messages, which a node that took them the first time answers with the same hash.
    const send = (wallets: number[]) => {
      submit(wallets).catch((e: unknown) => {
        if (++resent > MAX_RESENDS) lost = e instanceof Error ? e : new Error(String(e));
        else setTimeout(() => send(wallets), 100);
      });
    };
    const ended = (hash: string, status: unknown, now: number, from: number) => {
      if (status !== "final" && status !== "refused") return;
      const f = inflight.get(hash);
      if (f === undefined || nodeOf(f.wallet) !== from) return;
      inflight.delete(hash);
      if (status === "final") {
        finals++;
        seqnos[f.wallet]++;
        if (f.sentAt >= measuredFrom) latencies.push(now - f.sentAt);
      } else refused++;
      if (again.length === 0)
        setImmediate(() => {
          const wallets = again;
          again = [];
          send(wallets);
        });
      again.push(f.wallet);
    };
    // Every message's end arrives on each node's subscription (rpc §6.2), set up before anything
    // is sent; a wallet listens to its own node's.
    const subscriptions = await Promise.all(
      node.urls.map((url, n) =>
        new RpcClient(url).subscribe(
          "message",
          undefined,
          (e) => {
            const { hash, status } = e as { hash: string; status: string };
            ended(hash, status, performance.now(), n);
          },
          { onError: (e) => (lost = e) },
        ),
      ),
    );
    try {
      const started = performance.now();
      await submit(addresses.map((_, i) => i));
      let finalsAtMeasure = 0;
      let nodeCpuFrom = node.pids.map(() => 0);
      let schedFrom: Awaited<ReturnType<typeof schedOf>> = null;
      let loadCpuFrom = 0;
      let strayCheck = started;
      while (performance.now() - started < warmupMs + loadMs) {
        await new Promise((r) => setTimeout(r, 25));
        if (lost !== null) throw lost;
        const now = performance.now();
        // The first seconds fill the pipeline; the rate counts from the first final after the
        // warm-up onwards.
        if (finalsAtMeasure === 0 && finals > 0 && now - started >= warmupMs) {
          measuredFrom = now;
          finalsAtMeasure = finals;
          nodeCpuFrom = await cpusOf(node.pids);
          schedFrom = node.pids.length === 1 ? await schedOf(node.pids[0]) : null;
          const own = process.cpuUsage();
          loadCpuFrom = own.user + own.system;
        }
        if (now - strayCheck < STRAY_MS) continue;
        strayCheck = now;
        const strays = [...inflight].filter(([, f]) => now - f.sentAt > STRAY_MS);
        await Promise.all(
          node.urls.map(async (url, n) => {
            const mine = strays.filter(([, f]) => nodeOf(f.wallet) === n).map(([h]) => h);
            const answers = await chunks(mine, 100, (part) =>
              batch(
                url,
                part.map((hash) => ({ method: "getMessageStatus", params: { hash } })),
              ),
            );
            for (const [k, a] of answers.entries()) ended(mine[k], a.result?.status, performance.now(), n);
          }),
        );
      }
      if (latencies.length === 0)
        throw new Error(
          `no transfer sent in the measured window became final (finals ${finals}, refused ${refused}, ` +
            `in flight ${inflight.size}, first final at ${Math.round(measuredFrom - started)} ms of ${loadMs})`,
        );
      const elapsed = (performance.now() - measuredFrom) / 1000;
      const measured = Math.max(1, finals - finalsAtMeasure);
      const nodeCpuTo = await cpusOf(node.pids);
      const nodeCpuEach = nodeCpuTo.map((c, i) => c - nodeCpuFrom[i]);
      const nodeCpu = nodeCpuEach.reduce((a, b) => a + b, 0);
      const schedTo = node.pids.length === 1 ? await schedOf(node.pids[0]) : null;
      const pct = (ns: number) => Math.round(ns / (elapsed * 1e7));
      const own = process.cpuUsage();
      const loadCpu = own.user + own.system - loadCpuFrom;
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
      return {
        tps: Math.round((finals - finalsAtMeasure) / elapsed),
        nodeCpuUs: Math.round(nodeCpu / measured),
        nodeCpuUsEach: nodeCpuEach.map((c) => Math.round(c / measured)),
        mainRunPct: schedFrom && schedTo ? pct(schedTo.run - schedFrom.run) : null,
        mainWaitPct: schedFrom && schedTo ? pct(schedTo.wait - schedFrom.wait) : null,
        loadCpuUs: Math.round(loadCpu / measured),
        p50: at(0.5),
        p99: at(0.99),
        latencySamples: latencies.length,
        finals,
        refused,
        resent,
      };
    } finally {
      for (const sub of subscriptions) await sub.close();
    }
  }
}
