// VM benchmarks (issue figures): Gram's interpreter on a counter loop, a sha256 loop and storage
// writes, side by side with @ethereumjs/evm running the same loops in the same process, so the
// ratio is measured under the same load.
import { createEVM } from "@ethereumjs/evm";
import { keyPairFromSeed, sha256, sign } from "../node/crypto/index.ts";
import { vmHost } from "../node/vmhost/index.ts";
import {
  assemble,
  loadProgram,
  type Program,
  RECV_EXTERNAL,
  run,
  type Value,
  walletCode,
  walletStorage,
  walletTransferBody,
} from "../vm/index.ts";
import type { Benchmark, BenchResult } from "./harness.ts";

const COUNT = 1_000_000;
const HASHES = 100_000;
const WRITES = 10_000;
const REPEATS = 5;

const host = vmHost;

/** The median of `REPEATS` timed calls, in ms, after one warm-up call. */
async function medianMs(fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[REPEATS >> 1];
}

function gramRun(program: Program, what: string): () => number {
  return () => {
    const r = run({ code: program, entry: "recv_internal", host, gasLimit: 1_000_000_000n });
    if (r.exitCode !== 0) throw new Error(`${what}: exit code ${r.exitCode}`);
    return r.steps;
  };
}

async function gramRate(source: string, what: string, extra: Record<string, number | string>) {
  const program = loadProgram(assemble(source));
  const once = gramRun(program, what);
  const steps = once();
  const ms = await medianMs(once);
  return { value: Math.round((steps * 1000) / ms), unit: "instructions/s", steps, ...extra };
}

const counterLoop = `
.entry recv_internal
  PUSH 0
loop:
  INC
  DUP
  PUSH ${COUNT}
  LT
  JMPIF loop
`;

const sha256Loop = `
.entry recv_internal
  PUSH x"${"00".repeat(32)}"
  PUSH ${HASHES}
loop:
  SWAP
  SHA256
  SWAP
  NEXT loop
`;

const storageWrites = `
.entry recv_internal
  PUSH ${WRITES}
loop:
  DUP          ; the value: the loop counter
  DUP
  PUSH 4
  ITOB         ; the key: the counter as 4 bytes
  SSTORE
  NEXT loop
`;

// EVM bytecode for the same loops. Steps are counted from the interpreter's step events once, so
// instructions/s is computed from the instructions actually executed.
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const pushCount = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, "0");
const evmCounter = hex(
  `
  6000                          PUSH1 0
  5b                            JUMPDEST (2)
  600101                        PUSH1 1, ADD
  80                            DUP1
  62${pushCount(COUNT, 3)}      PUSH3 count
  11                            GT        (count > i)
  6002 57                       PUSH1 2, JUMPI
  00                            STOP
`.replace(/[A-Z][^\n]*/g, ""),
);
const evmHash = hex(
  `
  62${pushCount(HASHES, 3)}     PUSH3 n
  5b                            JUMPDEST (4)
  6020 6000 20                  PUSH1 32, PUSH1 0, KECCAK256
  6000 52                       PUSH1 0, MSTORE (chain each hash into the next)
  6001 90 03                    PUSH1 1, SWAP1, SUB
  80 6004 57                    DUP1, PUSH1 4, JUMPI
  00                            STOP
`.replace(/[A-Z][^\n]*/g, ""),
);

async function evmRate(code: Uint8Array, what: string, extra: Record<string, number | string>) {
  const evm = await createEVM();
  let steps = 0;
  const counting = await createEVM();
  counting.events?.on("step", () => {
    steps++;
  });
  const check = async (e: typeof evm) => {
    const r = await e.runCode({ code, gasLimit: 10_000_000_000n });
    if (r.exceptionError) throw new Error(`${what}: ${r.exceptionError.error}`);
  };
  await check(counting);
  const ms = await medianMs(() => check(evm));
  return { value: Math.round((steps * 1000) / ms), unit: "instructions/s", steps, ...extra };
}

async function storageRate(): Promise<BenchResult> {
  const program = loadProgram(assemble(storageWrites));
  const once = () => {
    const r = run({ code: program, entry: "recv_internal", host, gasLimit: 1_000_000_000n });
    if (r.exitCode !== 0 || r.storage.length !== WRITES) throw new Error(`storage: exit ${r.exitCode}`);
  };
  const ms = await medianMs(once);
  return { value: Math.round((WRITES * 1000) / ms), unit: "writes/s", writes: WRITES };
}

const WALLET_ROUNDS = 7;
const WALLET_CALLS = 400;

/**
 * One whole wallet transfer (one message), its signature check included, and one bare ed25519
 * verification of the same hash with the same key, timed in alternating rounds so both see the
 * same machine load. The storage is never applied, so every run is the same valid transfer.
 */
function walletFigures(): { runUs: number; verifyUs: number } {
  const key = keyPairFromSeed(sha256(new TextEncoder().encode("gram bench wallet")));
  const storage = new Map<string, Value>();
  for (const e of walletStorage({ publicKey: key.publicKey, subwalletId: 698983191n }))
    storage.set(Buffer.from(e.key).toString("hex"), e.value);
  const reader = { get: (k: Uint8Array) => storage.get(Buffer.from(k).toString("hex")) };
  const transfer = {
    subwalletId: 698983191n,
    validUntil: 1_800_000_000n,
    seqno: 0n,
    messages: [{ dest: new Uint8Array(36).fill(7), valueNano: 1_000_000_000n, body: null, mode: 3 }],
  };
  const signer = { hashValue: host.hashValue, sign: (h: Uint8Array) => sign(h, key.secretKey) };
  const body = walletTransferBody(transfer, signer);
  const [signature, signed] = body as [Uint8Array, Value];
  const hash = host.hashValue(signed);
  const context = { now: 1_700_000_000n, balance: 10_000_000_000n };
  const once = () => {
    const r = run({
      code: walletCode.program,
      entry: RECV_EXTERNAL,
      stack: [body],
      host,
      storage: reader,
      context,
      gasLimit: 100_000n,
    });
    if (r.exitCode !== 0 || !r.accepted || r.actions.length !== 1)
      throw new Error(`wallet: exit ${r.exitCode}`);
  };
  const verifyOnce = () => {
    if (!host.ed25519Verify(hash, key.publicKey, signature)) throw new Error("wallet: signature refused");
  };
  const timed = (fn: () => void) => {
    const start = performance.now();
    for (let i = 0; i < WALLET_CALLS; i++) fn();
    return ((performance.now() - start) * 1000) / WALLET_CALLS;
  };
  timed(once);
  timed(verifyOnce);
  const runs: number[] = [];
  const verifies: number[] = [];
  for (let i = 0; i < WALLET_ROUNDS; i++) {
    runs.push(timed(once));
    verifies.push(timed(verifyOnce));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { runUs: median(runs), verifyUs: median(verifies) };
}

export const benchmarks: Benchmark[] = [
  { name: "vm.counter_loop", run: () => gramRate(counterLoop, "counter", { count: COUNT }) },
  { name: "vm.evm_counter_loop", run: () => evmRate(evmCounter, "evm counter", { count: COUNT }) },
  { name: "vm.sha256_loop", run: () => gramRate(sha256Loop, "sha256", { hashes: HASHES, bytes: 32 }) },
  { name: "vm.evm_hash_loop", run: () => evmRate(evmHash, "evm keccak", { hashes: HASHES, bytes: 32 }) },
  { name: "vm.storage_writes", run: storageRate },
  {
    name: "vm.wallet_run",
    run: () => {
      const { runUs } = walletFigures();
      return { value: Math.round(runUs * 10) / 10, unit: "µs", messages: 1 };
    },
  },
  {
    name: "vm.wallet_overhead",
    run: () => {
      const { runUs, verifyUs } = walletFigures();
      return {
        value: Math.round((runUs / verifyUs) * 100) / 100,
        unit: "ratio",
        walletUs: Math.round(runUs * 10) / 10,
        verifyUs: Math.round(verifyUs * 10) / 10,
      };
    },
  },
];
