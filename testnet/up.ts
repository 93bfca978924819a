// `gram testnet up`: a fresh local network in a data directory — a generated validator key, the
// testnet genesis with the funded test wallets, block 0 — and the node running on it. Started
// again on the same directory, it carries on from the last block.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPair } from "../node/crypto/index.ts";
import type { RunningNode } from "../node/node.ts";
import { testnetGenesis } from "./genesis.ts";

export const DEFAULT_TESTNET_PORT = 8645;

export interface TestnetOptions {
  dir: string;
  port?: number;
  host?: string;
}

export interface RunningTestnet {
  node: RunningNode;
  fresh: boolean;
  logFile: string;
}

export async function testnetUp(options: TestnetOptions): Promise<RunningTestnet> {
  // The node loads when a network starts: the CLI's other testnet commands only read accounts.
  const [{ initDataDir, isInitialized }, { startNode }, { pino }] = await Promise.all([
    import("../node/datadir/index.ts"),
    import("../node/node.ts"),
    import("pino"),
  ]);
  const fresh = !(await isInitialized(options.dir));
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  if (fresh) {
    const key = generateKeyPair();
    await initDataDir(options.dir, testnetGenesis(key.publicKey, BigInt(Math.floor(Date.now() / 1000))), key);
  }
  const logFile = join(options.dir, "node.log");
  const logger = pino({ level: "info" }, pino.destination({ dest: logFile, sync: false, mkdir: true }));
  const node = await startNode({
    dataDir: options.dir,
    rpcHost: options.host ?? "127.0.0.1",
    rpcPort: options.port ?? DEFAULT_TESTNET_PORT,
    logger,
  }).catch((err: unknown) => {
    // A local testnet is disposable: say which directory to remove.
    if ((err as { code?: unknown }).code === "CHAIN_FORMAT")
      (err as Error).message += ` (remove ${options.dir}, or pass another --dir)`;
    throw err;
  });
  return { node, fresh, logFile };
}
