// `gram testnet up`: the local network in the foreground. Each validator is a `gram node start`
// child started with the node's V8 settings (runtime.ts); this process prints the network once
// its blocks are final, reports a validator that dies (and does not restart it), and stops them
// all on Ctrl+C or SIGTERM.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import {
  assertBasePort,
  DEFAULT_VALIDATORS,
  exitText,
  type NodeCommand,
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
  if (opts.basePort !== undefined) {
    try {
      assertBasePort(opts.basePort, opts.validators ?? DEFAULT_VALIDATORS);
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
        basePort: opts.basePort,
        blockTimeMs: opts.blockTime,
        reset: opts.reset,
        nodeCommand,
        env: ctx.io.env,
        signal: stop.signal,
        onNodeExit: (e) =>
          stderr.write(
            `gram: validator ${e.index} (pid ${e.pid}) exited with ${exitText(e)}; the others go on\n`,
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
    if (why === "exited")
      throw new CliError(
        "CLI_NETWORK_DOWN",
        `every validator has exited; see why with 'gram testnet logs --dir ${net.dir}'`,
      );
    if (!out.json && stopped.length > 0)
      stderr.write(
        `Stopped ${stopped.map((s) => `validator ${s.index}${s.killed ? " (killed)" : ""}`).join(", ")}.\n`,
      );
  } finally {
    stop.dispose();
  }
}

function printUp(net: RunningTestnet, out: ReturnType<typeof outputOf>) {
  const accounts = testAccounts();
  const friendly = (a: (typeof accounts)[number]) => friendlyOf(a.address, false);
  const rpc = net.nodes[0].rpc;
  const n = net.nodes.length;
  const lines = [
    `${net.fresh ? "Started a new" : "Resumed the"} Gram testnet of ${n} validator${n === 1 ? "" : "s"} in ${net.dir}.`,
    "",
    formatTable([
      ["node", "rpc", "pid", "log"],
      ...net.nodes.map((x) => [String(x.index), x.rpc, String(x.pid), x.logFile]),
    ]).replace(/^/gm, "  "),
    "",
    `Test mnemonic (public; these Grams are for local use only):`,
    `  ${TEST_MNEMONIC}`,
    "",
    "Funded wallets (subwallet id = index):",
    ...accounts.map((a) => `  ${a.index}  ${friendly(a)}`),
    "",
    `Network is up: ${n} validator${n === 1 ? "" : "s"}, masterchain block ${net.masterchainSeqno} final, RPC at ${rpc}. Press Ctrl+C to stop.`,
  ];
  out.result(
    {
      rpc,
      dir: net.dir,
      fresh: net.fresh,
      validators: n,
      masterchainSeqno: net.masterchainSeqno,
      nodes: net.nodes.map((x) => ({
        index: x.index,
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
