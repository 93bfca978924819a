// The `gram` command: global options, the table of command groups, and runCli, which runs one
// invocation against the streams it is given and returns the exit code. Every failure, commander's
// own included, ends as one line on stderr (errors.ts).
import { readFileSync } from "node:fs";
import { Command, type CommanderError } from "commander";
import { addressCommand } from "./commands/address.ts";
import { parseRpcUrl } from "./commands/args.ts";
import { blockCommands } from "./commands/block.ts";
import { contractCommands } from "./commands/contract.ts";
import { faucetCommand } from "./commands/faucet.ts";
import { ledgerCommands } from "./commands/ledger.ts";
import { nodeCommands } from "./commands/node.ts";
import { testnetCommands } from "./commands/testnet.ts";
import { walletCommands } from "./commands/wallet.ts";
import { type CliContext, type CommandGroup, DEFAULT_RPC } from "./context.ts";
import { EXIT, oneLine, reportFailure, usageError } from "./errors.ts";
import type { CliIo } from "./io/index.ts";
import type { KeystoreOptions } from "./keystore/index.ts";

/** Every command group, in the order `gram --help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  addressCommand,
  walletCommands,
  ledgerCommands,
  nodeCommands,
  blockCommands,
  testnetCommands,
  faucetCommand,
  contractCommands,
];

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export interface RunCliOptions extends CliIo {
  /** The keystore's settings; tests lower the scrypt cost. */
  keystore?: KeystoreOptions;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("gram")
    .description("Gram: keys, addresses and wallets; transfers, staking and contracts through a node")
    .option("--rpc <url>", "JSON-RPC endpoint of a Gram node", parseRpcUrl, DEFAULT_RPC)
    .option("--json", "print the result as one JSON object on stdout")
    .option("--verbose", "print the stack of a failure")
    .version(version, "-V, --version", "print the version of gram")
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true });
  for (const group of COMMAND_GROUPS) group.register(program, ctx);
  routeOutput(program, ctx.io);
  return program;
}

/** Carries the command whose parsing failed, to name it in the message. */
class ParseFailure extends Error {
  readonly error: CommanderError;
  readonly command: Command;
  constructor(error: CommanderError, command: Command) {
    super(error.message);
    this.error = error;
    this.command = command;
  }
}

/** Help and the version go to stdout; commander's multi-line error output is replaced by ours. */
function routeOutput(cmd: Command, io: CliIo): void {
  cmd.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: () => {},
    outputError: () => {},
  });
  cmd.exitOverride((err) => {
    throw new ParseFailure(err, cmd);
  });
  for (const sub of cmd.commands) routeOutput(sub, io);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** The usage error a commander failure stands for, or undefined when it is help or the version. */
function usageOf(failure: ParseFailure) {
  const { error, command } = failure;
  if (error.exitCode === 0) return undefined;
  const path = commandPath(command);
  // Commander shows the help as an error when a group is run without a subcommand.
  if (error.code === "commander.help") {
    const subs = command.commands.map((c) => c.name()).filter((n) => n !== "help");
    return usageError(`'${path}' needs a command: ${subs.join(", ")}; see '${path} --help'`);
  }
  return usageError(`${readable(error.message)}; see '${path} --help'`);
}

/** Commander's message in one line, with its wordings of a refused value made shorter. */
function readable(message: string): string {
  return oneLine(message)
    .replace(/^error: /, "")
    .replace(
      /^option '(-[^ ,']+(?:, )?)?(--[^ ']+)[^']*' argument '(.*)' is invalid\. /s,
      "invalid value '$3' for $2: ",
    )
    .replace(/^command-argument value '(.*)' is invalid for argument '([^']*)'\. /s, "invalid $2 '$1': ")
    .replace(/\.$/, "");
}

export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const { env, stdin, stdout, stderr } = options;
  const ctx: CliContext = { io: { env, stdin, stdout, stderr }, keystoreOptions: options.keystore ?? {} };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.OK;
  } catch (err) {
    const verbose = program.opts().verbose === true || argv.includes("--verbose");
    if (!(err instanceof ParseFailure)) return reportFailure(err, stderr, verbose);
    const usage = usageOf(err);
    return usage === undefined ? EXIT.OK : reportFailure(usage, stderr, verbose);
  }
}
