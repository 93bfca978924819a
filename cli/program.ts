// The `gram` command: global options, the table of command groups, and runCli, which runs one
// invocation against the streams it is given and returns the exit code. Every failure, commander's
// own included, ends as one line on stderr (errors.ts).
import { readFileSync } from "node:fs";
import { Command, type CommanderError } from "commander";
import { parseRpcUrl } from "./commands/args.ts";
import { type CliContext, type CommandGroup, DEFAULT_RPC } from "./context.ts";
import { EXIT, oneLine, reportFailure, usageError } from "./errors.ts";
import type { CliIo } from "./io/index.ts";
import type { KeystoreOptions } from "./keystore/index.ts";
import { commandWords } from "./runtime.ts";

/** A command group, the top-level commands it adds, and how to load it. */
export interface GroupEntry {
  commands: readonly string[];
  load: () => Promise<CommandGroup>;
}

/**
 * Every command group, in the order `gram --help` lists them. A command line that names one of
 * them loads that group alone: each group's module brings its own part of the node (the keystore,
 * the testnet, the contracts' assembler), and `gram node start`, which is most of the node's
 * start, needs none of the others.
 */
export const COMMAND_GROUPS: readonly GroupEntry[] = [
  { commands: ["address"], load: async () => (await import("./commands/address.ts")).addressCommand },
  { commands: ["wallet"], load: async () => (await import("./commands/wallet.ts")).walletCommands },
  {
    commands: ["balance", "transfer", "tx", "history"],
    load: async () => (await import("./commands/ledger.ts")).ledgerCommands,
  },
  { commands: ["node"], load: async () => (await import("./commands/node.ts")).nodeCommands },
  { commands: ["block"], load: async () => (await import("./commands/block.ts")).blockCommands },
  { commands: ["testnet"], load: async () => (await import("./commands/testnet.ts")).testnetCommands },
  { commands: ["faucet"], load: async () => (await import("./commands/faucet.ts")).faucetCommand },
  { commands: ["contract"], load: async () => (await import("./commands/contract.ts")).contractCommands },
  { commands: ["pool"], load: async () => (await import("./commands/pool.ts")).poolCommands },
  {
    commands: ["stake", "validators", "elections"],
    load: async () => (await import("./commands/staking.ts")).stakingCommands,
  },
  {
    commands: ["config", "propose", "proposals", "vote"],
    load: async () => (await import("./commands/governance.ts")).governanceCommands,
  },
];

/** The groups `argv` needs: the one its command belongs to, or all (help, no command, a misspelling). */
export function groupsFor(argv: readonly string[] | undefined): readonly GroupEntry[] {
  if (argv === undefined) return COMMAND_GROUPS;
  const [word] = commandWords(argv, 1);
  const named = COMMAND_GROUPS.find((g) => g.commands.includes(word));
  return named === undefined ? COMMAND_GROUPS : [named];
}

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export interface RunCliOptions extends CliIo {
  /** The keystore's settings; tests lower the scrypt cost. */
  keystore?: KeystoreOptions;
}

/** The program with the groups `argv` needs (every group when it is left out). */
export async function buildProgram(ctx: CliContext, argv?: readonly string[]): Promise<Command> {
  const groups = await Promise.all(groupsFor(argv).map((g) => g.load()));
  const program = new Command("gram")
    .description("Gram: keys, addresses and wallets; transfers, staking and contracts through a node")
    .option("--rpc <url>", "JSON-RPC endpoint of a Gram node", parseRpcUrl, DEFAULT_RPC)
    .option("--json", "print the result as one JSON object on stdout")
    .option("--verbose", "print the stack of a failure")
    .version(version, "-V, --version", "print the version of gram")
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true });
  for (const group of groups) group.register(program, ctx);
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
  const program = await buildProgram(ctx, argv);
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
