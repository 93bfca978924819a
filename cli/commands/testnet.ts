// `gram testnet up|status|logs|down|accounts`: a local network of node processes (validators, and
// spares that follow the chain until they stake and win an election) with funded test wallets, for
// development. `up` runs in the foreground; the others find it from any
// terminal through DIR/testnet.json.
import { join } from "node:path";
import type { Command } from "commander";
import type { LedgerAddress } from "../../node/ledger/index.ts";
import { isUnreachable } from "../../node/rpcclient/index.ts";
import { formatGrams } from "../../node/units/index.ts";
import {
  DEFAULT_BASE_PORT,
  DEFAULT_SPARE,
  DEFAULT_VALIDATORS,
  MAX_BLOCK_TIME_MS,
  MAX_NODES,
  MAX_SPARE,
  MAX_VALIDATORS,
  nodeDirName,
  TEST_BALANCE_NANO,
  TEST_MNEMONIC,
  testAccounts,
  testnetDown,
  testnetStatus,
} from "../../testnet/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { gramHome } from "../keystore/index.ts";
import { formatTable } from "../output/index.ts";
import { wholeNumber } from "./args.ts";
import { clientOf, friendlyOf, rawOf } from "./remote.ts";
import { logs } from "./testnetLogs.ts";
import { up } from "./testnetUp.ts";

const defaultDir = (ctx: CliContext) => join(gramHome(ctx.io.env), "testnet");
const DIR_HELP = "the network's directory (default $GRAM_HOME/testnet)";

export const testnetCommands: CommandGroup = {
  name: "testnet",
  register(program, ctx) {
    const testnet = program
      .command("testnet")
      .description(
        "a local Gram network of validators (and spare nodes) with funded wallets, for development",
      );

    testnet
      .command("up")
      .description("start the local network in the foreground until SIGINT or SIGTERM; resumes one on disk")
      .option(
        "--validators <n>",
        `how many validators a new network has (default ${DEFAULT_VALIDATORS})`,
        wholeNumber(1, MAX_VALIDATORS, "--validators"),
      )
      .option(
        "--spare <n>",
        `how many nodes of a new network are outside its genesis validator set: they follow the chain and validate once they stake and win an election (default ${DEFAULT_SPARE})`,
        wholeNumber(0, MAX_SPARE, "--spare"),
      )
      .option("--dir <dir>", `${DIR_HELP}; kept between runs`)
      .option(
        "--block-time <ms>",
        "least time between blocks of a new network, in ms",
        wholeNumber(1, MAX_BLOCK_TIME_MS, "--block-time"),
      )
      .option(
        "--base-port <port>",
        `node i's RPC port is base+i, its p2p port base+100+i (default ${DEFAULT_BASE_PORT})`,
        wholeNumber(1, 65_535, "a port"),
      )
      .option("--reset", "remove the network in the directory first and start a new one")
      .action(
        (
          opts: {
            dir?: string;
            validators?: number;
            spare?: number;
            blockTime?: number;
            basePort?: number;
            reset?: boolean;
          },
          cmd: Command,
        ) => up(ctx, cmd, { ...opts, dir: opts.dir ?? defaultDir(ctx) }),
      );

    testnet
      .command("status")
      .description(
        "each node of the network: validator or spare, its RPC, process, and newest final masterchain block",
      )
      .option("--dir <dir>", DIR_HELP)
      .action((opts: { dir?: string }, cmd: Command) => status(ctx, cmd, opts.dir ?? defaultDir(ctx)));

    testnet
      .command("logs")
      .description("the last lines of the nodes' logs (JSON, one event a line)")
      .option("--dir <dir>", DIR_HELP)
      .option("--node <i>", "only node I's log", wholeNumber(0, MAX_NODES - 1, "--node"))
      .option("--lines <n>", "how many lines", wholeNumber(1, 100_000, "--lines"), 20)
      .option("--follow", "then print what the nodes log until Ctrl+C")
      .action((opts: { dir?: string; node?: number; lines: number; follow?: boolean }, cmd: Command) =>
        logs(ctx, cmd, { ...opts, dir: opts.dir ?? defaultDir(ctx) }),
      );

    testnet
      .command("down")
      .description("stop the network's processes (SIGTERM, then SIGKILL after 15 s)")
      .option("--dir <dir>", DIR_HELP)
      .action((opts: { dir?: string }, cmd: Command) => down(ctx, cmd, opts.dir ?? defaultDir(ctx)));

    testnet
      .command("accounts")
      .description("the funded test wallets, their addresses and balances")
      .option("--dir <dir>", DIR_HELP)
      .action(async (opts: { dir?: string }, cmd: Command) => {
        const accounts = testAccounts();
        const balances = await liveBalances(
          cmd,
          accounts.map((a) => rawOf(a.address)),
        );
        const genesis = balances === null ? await genesisBalances(opts.dir ?? defaultDir(ctx)) : null;
        const rows = accounts.map((a, i) => ({
          index: a.index,
          address: friendly(a.address),
          raw: rawOf(a.address),
          balance: (balances?.[i] ?? genesis?.get(rawOf(a.address)) ?? TEST_BALANCE_NANO).toString(),
        }));
        outputOf(ctx, cmd).result({ mnemonic: TEST_MNEMONIC, accounts: rows }, () =>
          [
            `Test mnemonic: ${TEST_MNEMONIC}`,
            ...rows.map((r) => `  ${r.index}  ${r.address}  ${formatGrams(BigInt(r.balance))} Gram`),
          ].join("\n"),
        );
      });
  },
};

async function status(ctx: CliContext, cmd: Command, dir: string): Promise<void> {
  const s = await testnetStatus(dir);
  outputOf(ctx, cmd).result(s as never, () => {
    const anyPeers = s.nodes.some((n) => n.peers !== undefined);
    const peersOf = (p: unknown) => (Array.isArray(p) ? String(p.length) : p === undefined ? "-" : String(p));
    return [
      `Testnet in ${s.dir}:`,
      formatTable([
        ["node", "role", "rpc", "pid", "process", "masterchain", ...(anyPeers ? ["peers"] : []), "dataDir"],
        ...s.nodes.map((n) => [
          String(n.index),
          n.role ?? "unknown",
          n.rpc,
          n.pid === null ? "-" : String(n.pid),
          n.alive ? "running" : "stopped",
          n.masterchainSeqno === null ? "unreachable" : `#${n.masterchainSeqno}`,
          ...(anyPeers ? [peersOf(n.peers)] : []),
          n.dataDir,
        ]),
      ]),
    ].join("\n");
  });
}

async function down(ctx: CliContext, cmd: Command, dir: string): Promise<void> {
  const r = await testnetDown(dir);
  const how = (s: { pid: number; killed: boolean }) =>
    `pid ${s.pid}${s.killed ? ", killed after SIGTERM timed out" : ""}`;
  const parts = [
    ...(r.supervisor === null ? [] : [`'gram testnet up' (${how(r.supervisor)})`]),
    ...r.nodes.map((n) => `node ${n.index} (${how(n)})`),
  ];
  outputOf(ctx, cmd).result(r as never, () =>
    parts.length === 0
      ? `Nothing was running in ${r.dir}.`
      : `Stopped ${parts.join(", ")}.${r.supervisor !== null ? " It stopped its nodes." : ""}`,
  );
}

const friendly = (a: LedgerAddress) => friendlyOf(a, false);

/** Balances from the running network, or null when no node answers at --rpc. */
async function liveBalances(cmd: Command, addresses: string[]): Promise<bigint[] | null> {
  const client = clientOf(cmd, 3_000);
  try {
    return await Promise.all(
      addresses.map(async (address) =>
        BigInt((await client.call<{ balance: string }>("getAccount", { address })).balance),
      ),
    );
  } catch (e) {
    if (isUnreachable(e)) return null;
    throw e;
  }
}

/** The test wallets' balances in the genesis of the network in `dir` (node 0's), when there is one. */
async function genesisBalances(dir: string): Promise<Map<string, bigint> | null> {
  try {
    const { FILES, readGenesis } = await import("../../node/datadir/index.ts");
    const g = await readGenesis(join(dir, nodeDirName(0), FILES.genesis));
    return new Map(g.accounts.map((a) => [rawOf(a.address), a.balance]));
  } catch {
    return null;
  }
}
