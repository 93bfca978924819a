// `gram testnet up`: the local network in the foreground. Each node — a validator, or a spare that
// follows the chain outside the validator set — is a `gram node start` child started with the
// node's V8 settings (runtime.ts); this process prints the network once its blocks are final and
// its spares follow them, reports a node that dies (and does not restart it), and stops them all
// on Ctrl+C or SIGTERM.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import {
  assertBasePort,
  DEFAULT_SPARE,
  DEFAULT_VALIDATORS,
  exitText,
  MAX_NODES,
  type NodeCommand,
  nodesText,
  type RunningTestnet,
  TEST_MNEMONIC,
  TestnetError,
  testAccounts,
  testnetUp,
} from "../../testnet/index.ts";
import { type CliContext, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { GRAM_ENTRY, nodeRuntimeFlags } from "../runtime.ts";
import { friendlyOf, rawOf } from "./remote.ts";
import { stopOnSignals } from "./signals.ts";

export interface UpOptions {
  dir: string;
  validators?: number;
  spare?: number;
  basePort?: number;
  blockTime?: number;
  reset?: boolean;
}

/** `gram node start` on one data directory, with the V8 settings given up front (no relaunch). */
export function nodeCommand(dataDir: string): NodeCommand {
  return {
    file: process.execPath,
    args: [...nodeRuntimeFlags(availableParallelism()), GRAM_ENTRY, "node", "start", "--data-dir", dataDir],
  };
}

export async function up(ctx: CliContext, cmd: Command, opts: UpOptions): Promise<void> {
  const validators = opts.validators ?? DEFAULT_VALIDATORS;
  const spare = opts.spare ?? DEFAULT_SPARE;
  if (validators + spare > MAX_NODES)
    throw usageError(
      `--validators ${validators} and --spare ${spare} make ${validators + spare} nodes; a testnet has at most ${MAX_NODES}`,
    );
  if (opts.basePort !== undefined) {
    try {
      assertBasePort(opts.basePort, validators, spare);
    } catch (e) {
      throw usageError(
        `--base-port ${opts.basePort} leaves no room: ${(e as Error).message.replace(/^basePort /, "it ")}`,
      );
    }
  }
  const out = outputOf(ctx, cmd);
  const { stderr } = ctx.io;
  const stop = stopOnSignals();
  if (!out.json) stderr.write(`Starting the testnet in ${opts.dir} (it waits for a final block)…\n`);
  try {
    let net: RunningTestnet;
    try {
      net = await testnetUp({
        dir: opts.dir,
        validators: opts.validators,
        spare: opts.spare,
        basePort: opts.basePort,
        blockTimeMs: opts.blockTime,
        reset: opts.reset,
        nodeCommand,
        env: ctx.io.env,
        signal: stop.signal,
        onNodeExit: (e) =>
          stderr.write(
            `gram: ${e.role} ${e.index} (pid ${e.pid}) exited with ${exitText(e)}; the others go on\n`,
          ),
      });
    } catch (e) {
      if (e instanceof TestnetError && e.code === "TESTNET_ABORTED") return;
      throw e;
    }
    for (const note of net.notes) stderr.write(`gram: note: ${note}\n`);
    printUp(net, out);
    const why = await Promise.race([stop.stopped.then(() => "signal"), net.allExited.then(() => "exited")]);
    const stopped = await net.stop();
    const anySpare = net.nodes.some((n) => n.role === "spare");
    if (why === "exited")
      throw new CliError(
        "CLI_NETWORK_DOWN",
        `every ${anySpare ? "node" : "validator"} has exited; see why with 'gram testnet logs --dir ${net.dir}'`,
      );
    if (!out.json && stopped.length > 0)
      stderr.write(
        `Stopped ${stopped.map((s) => `${net.nodes[s.index].role} ${s.index}${s.killed ? " (killed)" : ""}`).join(", ")}.\n`,
      );
  } finally {
    stop.dispose();
  }
}

function printUp(net: RunningTestnet, out: ReturnType<typeof outputOf>) {
  const accounts = testAccounts();
  const friendly = (a: (typeof accounts)[number]) => friendlyOf(a.address, false);
  const rpc = net.nodes[0].rpc;
  const validators = net.nodes.filter((x) => x.role === "validator").length;
  const spares = net.nodes.filter((x) => x.role === "spare");
  const shape = nodesText(validators, spares.length);
  const lines = [
    `${net.fresh ? "Started a new" : "Resumed the"} Gram testnet of ${shape} in ${net.dir}.`,
    "",
    formatTable([
      ["node", "role", "rpc", "pid", "validator key", "log"],
      ...net.nodes.map((x) => [String(x.index), x.role, x.rpc, String(x.pid), x.validatorKey, x.logFile]),
    ]).replace(/^/gm, "  "),
    "",
    ...(spares.length === 0
      ? []
      : [
          "A spare follows the chain without voting; it validates once it stakes and wins an election:",
          `  gram stake AMOUNT --wallet W --validator-key ${spares[0].dataDir}`,
          "",
        ]),
    `Test mnemonic (public; these Grams are for local use only):`,
    `  ${TEST_MNEMONIC}`,
    "",
    "Funded wallets (subwallet id = index):",
    ...accounts.map((a) => `  ${a.index}  ${friendly(a)}`),
    "",
    `Network is up: ${shape}, masterchain block ${net.masterchainSeqno} final, RPC at ${rpc}. Press Ctrl+C to stop.`,
  ];
  out.result(
    {
      rpc,
      dir: net.dir,
      fresh: net.fresh,
      validators,
      spares: spares.length,
      masterchainSeqno: net.masterchainSeqno,
      nodes: net.nodes.map((x) => ({
        index: x.index,
        role: x.role,
        validatorKey: x.validatorKey,
        rpc: x.rpc,
        pid: x.pid,
        dataDir: x.dataDir,
        log: x.logFile,
      })),
      mnemonic: TEST_MNEMONIC,
      accounts: accounts.map((a) => ({ index: a.index, address: friendly(a), raw: rawOf(a.address) })),
    },
    () => lines.join("\n"),
  );
}
