// The V8 settings a node process runs with, and the relaunch that gives them to it. V8 reads them
// once, when the process starts, so `gram node start` replaces its own process image with one
// started with them (process.execve: the same pid, the same streams and signals, no parent left
// waiting). The entry point decides before it loads the program, so the relaunch costs one start
// of Node, not two loads of the CLI (about half a second). `gram testnet up` runs no node itself:
// it starts its validators with these flags on their command line, so they need no relaunch.
import { constants, type EnableCompileCacheResult } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

/**
 * The `gram` entry point, for the processes the CLI starts (a testnet's validators). Resolved from
 * a module one folder deep, so it holds from the sources (cli/runtime.ts) and from the bundle
 * (build/*.js, cli/bundle) alike.
 */
export const GRAM_ENTRY = fileURLToPath(new URL("../cli/gram.ts", import.meta.url));

/**
 * The node's V8 settings on a machine with `cores` cores. Measured with chain.transfers_1node on
 * 2 cores against V8's defaults: on Node 22, 16 alternating pairs, 4,333 → 4,495 transfers/s on
 * average, 4% more in the mean of the pairs' ratios (the machine's speed swings by 15% between
 * runs); on Node 24, the pinned one, 4 pairs, 4,694 → 4,885.
 * - Semi-spaces of up to 64 MiB (V8's default is 16): a transfer's objects live through its round,
 *   longer than a 16 MiB nursery lasts at a few thousand transfers/s, so most of them were copied
 *   twice and promoted; a larger nursery lets more of them die young. 32 MiB, in 5 pairs against
 *   64: 5% fewer transfers/s, and a p99 latency 12% shorter (its scavenges are shorter pauses).
 * - No more GC helper threads than the cores beside the main thread (V8's pool is 4 threads
 *   anywhere): on 2 cores the 4 kept the main thread, the node's serial path, runnable but waiting
 *   for a core 26% of the time, 16% with one.
 */
export function nodeRuntimeFlags(cores: number): string[] {
  return ["--max-semi-space-size=64", `--v8-pool-size=${Math.min(4, Math.max(1, cores - 1))}`];
}

/** Global options of the program that take a value (program.ts; a test keeps the two in step). */
export const VALUED_GLOBAL_OPTIONS: readonly string[] = ["--rpc"];

/** The first `count` words of `args` that are neither options nor a global option's value. */
export function commandWords(args: readonly string[], count: number): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < count; i++) {
    if (VALUED_GLOBAL_OPTIONS.includes(args[i])) i++;
    else if (!args[i].startsWith("-")) words.push(args[i]);
  }
  return words;
}

/** Whether `args` (the process's arguments after the script) run a node: `node start`. */
export function runsNode(args: readonly string[]): boolean {
  const [group, command] = commandWords(args, 2);
  return group === "node" && command === "start";
}

/**
 * The flags of `wanted` that neither the process's own command line nor NODE_OPTIONS sets: an
 * operator who sets one of them keeps their value.
 */
export function missingFlags(
  wanted: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string,
): string[] {
  const set = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split("=")[0].replaceAll("_", "-"));
  return wanted.filter((f) => !set.includes(f.split("=")[0]));
}

/** What the relaunch uses of a process: `process` itself, or a stand-in in tests. */
export interface RelaunchTarget {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  execve?: (file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => never;
  stderr: { write(text: string): unknown };
}

/**
 * Restarts this process in place with the node's V8 settings, unless it already has them or the
 * platform cannot (execve is POSIX only: elsewhere the node runs with V8's defaults).
 */
export function relaunchWithNodeRuntime(
  proc: RelaunchTarget = process,
  cores = availableParallelism(),
): void {
  if (proc.execve === undefined) return;
  const missing = missingFlags(nodeRuntimeFlags(cores), proc.execArgv, proc.env.NODE_OPTIONS ?? "");
  if (missing.length === 0) return;
  try {
    proc.execve(
      proc.execPath,
      [proc.execPath, ...missing, ...proc.execArgv, ...proc.argv.slice(1)],
      proc.env,
    );
  } catch (e) {
    // It returns only when the exec failed, and then this process is intact: the node still
    // runs, with V8's defaults, and says so.
    proc.stderr.write(
      `gram: running with V8's default settings; restarting with ${missing.join(" ")} failed: ${(e as Error).message}\n`,
    );
  }
}

/**
 * Hands the compile cache this process enabled on to the Node processes and worker threads it
 * starts (the node relaunched in place, a testnet's validators, the verifier pool's workers),
 * through NODE_COMPILE_CACHE: enabled in code, the cache serves this thread alone, and only from
 * the line that enabled it. So each validator stripped the types of its entry point anew, which
 * loads Node's TypeScript stripper, a WebAssembly module (90 ms of CPU per process: ten runs of
 * `gram --version`, 5.6 → 4.7 s); and a verifier worker compiled its modules anew (the first
 * check waited 410–470 ms for its answer, 245–275 with the cache).
 */
export function shareCompileCache(enabled: EnableCompileCacheResult, env: NodeJS.ProcessEnv): void {
  if (enabled.status !== constants.compileCacheStatus.ENABLED || enabled.directory === undefined) return;
  env.NODE_COMPILE_CACHE ??= enabled.directory;
}
