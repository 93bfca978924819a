import { join } from "node:path";
import type { Command } from "commander";
import type { LedgerAddress } from "../../node/ledger/index.ts";
import { RpcClientError } from "../../node/rpcclient/index.ts";
import { formatGrams } from "../../node/units/index.ts";
import {
  DEFAULT_TESTNET_PORT,
  TEST_BALANCE_NANO,
  TEST_MNEMONIC,
  testAccounts,
  testnetUp,
} from "../../testnet/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { gramHome } from "../keystore/index.ts";
import { parsePort, runUntilSignal } from "./node.ts";
import { clientOf, friendlyOf, rawOf } from "./remote.ts";

const defaultDir = (ctx: CliContext) => join(gramHome(ctx.io.env), "testnet");

export const testnetCommands: CommandGroup = {
  name: "testnet",
  register(program, ctx) {
    const testnet = program
      .command("testnet")
      .description("a local Gram network with funded wallets, for development");

    testnet
      .command("up")
      .description("start the local network in the foreground until SIGINT or SIGTERM")
      .option("--dir <dir>", "data directory (default $GRAM_HOME/testnet); kept between runs")
      .option("--port <port>", "JSON-RPC port", parsePort, DEFAULT_TESTNET_PORT)
      .action(async (opts: { dir?: string; port: number }, cmd: Command) => {
        const dir = opts.dir ?? defaultDir(ctx);
        const { node, fresh, logFile } = await testnetUp({ dir, port: opts.port });
        const accounts = testAccounts();
        const lines = [
          `${fresh ? "Started a new" : "Resumed the"} Gram testnet in ${dir} (log: ${logFile}).`,
          "",
          `Test mnemonic (public; these Grams are for local use only):`,
          `  ${TEST_MNEMONIC}`,
          "",
          "Funded wallets (subwallet id = index):",
          ...accounts.map((a) => `  ${a.index}  ${friendly(a.address)}`),
          "",
          `Network is up: RPC at ${node.rpcUrl}. Press Ctrl+C to stop.`,
        ];
        outputOf(ctx, cmd).result(
          {
            rpc: node.rpcUrl,
            dir,
            fresh,
            mnemonic: TEST_MNEMONIC,
            accounts: accounts.map((a) => ({
              index: a.index,
              address: friendly(a.address),
              raw: rawOf(a.address),
            })),
          },
          () => lines.join("\n"),
        );
        await runUntilSignal(node);
      });

    testnet
      .command("accounts")
      .description("the funded test wallets, their addresses and balances")
      .option("--dir <dir>", "data directory (default $GRAM_HOME/testnet)")
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
    if (e instanceof RpcClientError && (e.code === "UNREACHABLE" || e.code === "TIMEOUT")) return null;
    throw e;
  }
}

async function genesisBalances(dir: string): Promise<Map<string, bigint> | null> {
  try {
    const { FILES, readGenesis } = await import("../../node/datadir/index.ts");
    const g = await readGenesis(join(dir, FILES.genesis));
    return new Map(g.accounts.map((a) => [rawOf(a.address), a.balance]));
  } catch {
    return null;
  }
}
