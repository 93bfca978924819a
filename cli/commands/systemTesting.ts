// Test support for the commands that send to the system contracts (`gram stake`, `gram pool`,
// `gram propose`, `gram vote`, …): a node of one validator on a testnet genesis, with the testnet's
// funded wallets in a keystore, and a stand-in RPC server for the answers a real node seldom
// gives. Tests only; nothing in the command imports it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import type { Genesis } from "../../node/chain/index.ts";
import { generateKeyPair } from "../../node/crypto/index.ts";
import { initDataDir } from "../../node/datadir/index.ts";
import { type RunningNode, startNode } from "../../node/node.ts";
import { createRpcServer, method, type RpcServer } from "../../node/rpc/index.ts";
import { TEST_MNEMONIC, testnetGenesis } from "../../testnet/index.ts";
import { type RunResult, run, tempHome } from "../testing.ts";

const GRAM = 1_000_000_000n;

/** An address in raw form, `workchain:hex`. */
export const raw = (a: { workchain: bigint; id: Uint8Array }) => `${a.workchain}:${toHex(a.id)}`;

/** Polls `f` until it answers, or fails naming `what` after `ms`. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface OneValidatorOptions {
  /** Names the data directory: `gram-cli-<name>-…` in the system's temporary folder. */
  name: string;
  /** Genesis time (unix seconds); the time the node starts by default. */
  genesisTime?: bigint;
  /** Elections of these times for one seat, taking stakes from 100 Gram; the testnet's by default. */
  elections?: Genesis["config"]["elections"];
  /** Seconds the node's clock is ahead of the system's, read at each look; none by default. */
  offset?: () => bigint;
  /** Keystore wallets to import, in order: the testnet's funded wallets 0, 1, 2, … */
  wallets: string[];
}

/** A node of one validator for a `describe` block; its fields are there once its beforeAll ran. */
export interface OneValidator {
  readonly node: RunningNode;
  readonly genesis: Genesis;
  readonly dataDir: string;
  /** GRAM_HOME: the keystore, and room for a test's own files. */
  readonly home: string;
  /** The validator's public key, in hex. */
  readonly nodeKey: string;
  env(): Record<string, string>;
  /** Runs `gram --rpc <node> args…` with the keystore. */
  gram(...args: string[]): Promise<RunResult>;
  /** Calls an RPC method of the node directly. */
  call<T>(name: string, params?: unknown): Promise<T>;
  /** The transactions of `address` the node has, newest first. */
  historyOf(address: string): Promise<unknown[]>;
}

/**
 * Starts a node of one validator (with a fresh key) before the tests of the `describe` block it is
 * called in, with the wallets imported in a temporary keystore, and removes it all after them.
 */
export function oneValidator(opts: OneValidatorOptions): OneValidator {
  let node: RunningNode | undefined;
  let genesis: Genesis | undefined;
  let dataDir = "";
  let home = "";
  let nodeKey = "";
  let removeHome: (() => Promise<void>) | undefined;
  const offset = opts.offset;
  const started = (): RunningNode => {
    if (node === undefined) throw new Error("the node has not started: use it in a test");
    return node;
  };
  const env = () => ({ GRAM_HOME: home, GRAM_PASSWORD: "pw" });

  async function call<T>(name: string, params?: unknown): Promise<T> {
    const res = await fetch(started().rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: name, params }),
    });
    const body = (await res.json()) as { result: T; error?: unknown };
    if (body.error !== undefined) throw new Error(JSON.stringify(body.error));
    return body.result;
  }

  beforeAll(async () => {
    ({ home, remove: removeHome } = await tempHome());
    dataDir = await mkdtemp(join(tmpdir(), `gram-cli-${opts.name}-`));
    const key = generateKeyPair();
    nodeKey = toHex(key.publicKey);
    genesis = testnetGenesis([key.publicKey], opts.genesisTime ?? BigInt(Math.floor(Date.now() / 1000)));
    if (opts.elections !== undefined) {
      genesis.config.elections = opts.elections;
      genesis.config.validatorCounts = { min: 1, max: 1 };
      genesis.config.stakes = { ...genesis.config.stakes, min: 100n * GRAM, minTotal: 100n * GRAM };
    }
    await initDataDir(dataDir, genesis, key);
    node = await startNode({
      dataDir,
      rpcPort: 0,
      minBlockIntervalMs: 10,
      idleBlockIntervalMs: 100,
      verifierThreads: 1,
      logger: pino({ level: "silent" }),
      now: offset === undefined ? undefined : () => BigInt(Math.floor(Date.now() / 1000)) + offset(),
    });
    for (const [sub, name] of opts.wallets.entries()) {
      const r = await run(
        ["wallet", "import", name, "--mnemonic", TEST_MNEMONIC, "--subwallet", String(sub)],
        env(),
      );
      expect([r.code, r.stderr]).toEqual([0, ""]);
    }
  });

  afterAll(async () => {
    try {
      await node?.close();
    } finally {
      if (dataDir !== "") await rm(dataDir, { recursive: true, force: true });
      await removeHome?.();
    }
  });

  return {
    get node() {
      return started();
    },
    get genesis() {
      if (genesis === undefined) throw new Error("the node has not started: use it in a test");
      return genesis;
    },
    get dataDir() {
      return dataDir;
    },
    get home() {
      return home;
    },
    get nodeKey() {
      return nodeKey;
    },
    env,
    gram: (...args) => run(["--rpc", started().rpcUrl, ...args], env()),
    call,
    historyOf: (address) => call<unknown[]>("getTransactions", { address, limit: 100 }),
  };
}

/**
 * An RPC server that answers each method in `methods` with its value, or with what it returns
 * (or throws) when the value is a function, whatever the params.
 */
export function stubRpcServer(methods: Record<string, unknown>): Promise<RpcServer> {
  const table = Object.fromEntries(
    Object.entries(methods).map(([name, value]) => [
      name,
      method({
        params: (x: unknown) => x,
        handler: typeof value === "function" ? (value as () => unknown) : () => value,
      }),
    ]),
  );
  return createRpcServer(
    { host: "127.0.0.1", port: 0, topics: {} },
    { methods: table, logger: pino({ level: "silent" }), metrics: new Registry(), health: () => ({}) },
  );
}
