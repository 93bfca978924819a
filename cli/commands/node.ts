// `gram node init|start|status`: run a node from a data directory, and ask one how far it is.
import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { keyPairFromSeed } from "../../node/crypto/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { clientOf } from "./remote.ts";

export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isInteger(n) || n < 0 || n > 65_535)
    throw usageError(`'${text}' is not a port (0..65535)`);
  return n;
}

/** Runs until SIGINT or SIGTERM, then stops the node cleanly; a fatal node error ends it with 1. */
export async function runUntilSignal(node: {
  close(): Promise<void>;
  failed: Promise<unknown>;
}): Promise<void> {
  const stop = await new Promise<"signal" | "failed">((resolve) => {
    process.once("SIGINT", () => resolve("signal"));
    process.once("SIGTERM", () => resolve("signal"));
    void node.failed.then(() => resolve("failed"));
  });
  await node.close();
  if (stop === "failed")
    throw new CliError("CLI_TX_FAILED", "the node stopped after a fatal error; see its log");
}

/** `--data-dir`, or `--dir`, its older name, which scripts written before it still pass. */
interface DataDirOptions {
  dataDir?: string;
  dir?: string;
}

function dataDirOf(opts: DataDirOptions, command: string): string {
  if (opts.dataDir !== undefined && opts.dir !== undefined && opts.dataDir !== opts.dir)
    throw usageError("--dir is another name for --data-dir; give one of them");
  const dir = opts.dataDir ?? opts.dir;
  if (dir === undefined) throw usageError(`'gram node ${command}' needs --data-dir <dir>`);
  return dir;
}

/**
 * GRAM_FAULT_EQUIVOCATE=<validator key hex>@<unix seconds>: the fault tests' double signer
 * (staking §6). The node whose validator key it names signs a second prevote for another value
 * with each of its own from that masterchain time on; every other node ignores it.
 */
function equivocateOf(text: string | undefined): { publicKey: string; from: bigint } | undefined {
  if (text === undefined || text === "") return undefined;
  const m = /^([0-9a-f]{64})@([0-9]{1,12})$/.exec(text);
  if (m === null) throw usageError("GRAM_FAULT_EQUIVOCATE must be <validator key hex>@<unix seconds>");
  return { publicKey: m[1], from: BigInt(m[2]) };
}

export const nodeCommands: CommandGroup = {
  name: "node",
  register(program, ctx) {
    const node = program.command("node").description("run a Gram node and ask one for its status");

    node
      .command("init")
      .description("make a node's data directory from a genesis file")
      .option("--data-dir <dir>", "data directory to create")
      .addOption(new Option("--dir <dir>", "the same as --data-dir").hideHelp())
      .requiredOption("--genesis <file>", "genesis JSON file")
      .option("--key <file>", 'validator key JSON ({"seed": "<64 hex>"}); generated when left out')
      .action(async (opts: DataDirOptions & { genesis: string; key?: string }, cmd: Command) => {
        const dir = dataDirOf(opts, "init");
        // The store and the chain load here, not for every gram command.
        const { initDataDir, readGenesis } = await import("../../node/datadir/index.ts");
        const genesis = await readGenesis(opts.genesis);
        let key: ReturnType<typeof keyPairFromSeed> | undefined;
        if (opts.key !== undefined) {
          const doc = JSON.parse(await readFile(opts.key, "utf8")) as { seed?: string };
          const seed = fromHex(doc.seed ?? "");
          if (seed === null || seed.length !== 32)
            throw usageError(`${opts.key}: "seed" must be 64 hex digits`);
          key = keyPairFromSeed(seed);
        }
        const { publicKey } = await initDataDir(dir, genesis, key);
        outputOf(ctx, cmd).result(
          { dir, network: genesis.network, validator: toHex(publicKey) },
          () => `Initialized ${dir} for network ${genesis.network}; validator key ${toHex(publicKey)}.`,
        );
      });

    node
      .command("start")
      .description("run one validator from its data directory (JSON logs on stdout) until SIGINT or SIGTERM")
      .option("--data-dir <dir>", "data directory made by 'gram node init' or 'gram testnet up'")
      .addOption(new Option("--dir <dir>", "the same as --data-dir").hideHelp())
      .option("--rpc-host <host>", "address the JSON-RPC server listens on (default: its node.json's)")
      .option("--rpc-port <port>", "JSON-RPC port (default: its node.json's)", parsePort)
      .action(async (opts: DataDirOptions & { rpcHost?: string; rpcPort?: number }) => {
        const dataDir = dataDirOf(opts, "start");
        // The whole node loads here, not for every gram command.
        const [{ startNode }, { pino }] = await Promise.all([import("../../node/node.ts"), import("pino")]);
        // Its addresses, peers and timeouts are in the directory's node.json; the flags, when
        // given, override its RPC address.
        const running = await startNode({
          dataDir,
          rpcHost: opts.rpcHost,
          rpcPort: opts.rpcPort,
          logger: pino({ level: process.env.GRAM_LOG_LEVEL ?? "info" }),
          equivocate: equivocateOf(ctx.io.env.GRAM_FAULT_EQUIVOCATE),
        });
        await runUntilSignal(running);
      });

    node
      .command("status")
      .description("the node's newest final masterchain and basechain blocks")
      .action(async (_o: unknown, cmd: Command) => status(ctx, cmd));
  },
};

async function status(ctx: CliContext, cmd: Command): Promise<void> {
  const info = await clientOf(cmd).call<{
    network: string;
    masterchain: { seqno: number; hash: string; time: number };
    basechain: { seqno: number; hash: string };
    pendingMessages: number;
  }>("getChainInfo");
  outputOf(ctx, cmd).result(
    {
      network: info.network,
      masterchain: { seqno: info.masterchain.seqno, hash: info.masterchain.hash },
      basechain: { seqno: info.basechain.seqno, hash: info.basechain.hash },
      pendingMessages: info.pendingMessages,
    },
    () =>
      formatTable([
        ["network", info.network],
        ["masterchain", `#${info.masterchain.seqno} ${info.masterchain.hash}`],
        ["basechain", `#${info.basechain.seqno} ${info.basechain.hash}`],
        ["last block", new Date(info.masterchain.time * 1000).toISOString()],
        ["waiting", `${info.pendingMessages} messages`],
      ]),
  );
}
