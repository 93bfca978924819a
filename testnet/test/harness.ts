// What the real-process tests share: the gram CLI run as a child process, `gram testnet up` in the
// background until it says the network is up, and a teardown that leaves no process behind, even
// when a test failed halfway or the supervisor was killed before it could stop its nodes.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { readManifest } from "../manifest.ts";
import { isAlive, stopProcesses } from "../processes.ts";

const execFileP = promisify(execFile);
export const GRAM_TS = join(import.meta.dirname, "..", "..", "cli", "gram.ts");

export interface GramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gram args…` to its end (at most `timeoutMs`). */
export async function gram(env: NodeJS.ProcessEnv, args: string[], timeoutMs = 60_000): Promise<GramResult> {
  try {
    const r = await execFileP(process.execPath, [GRAM_TS, ...args], { env, timeout: timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

/** `gram args… --json`, parsed; a failure throws with its stderr. */
export async function gramJson<T = Record<string, unknown>>(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<T> {
  const r = await gram(env, [...args, "--json"]);
  if (r.code !== 0) throw new Error(`gram ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface Up {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with its exit code (null: killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `gram testnet up args…` and resolves once it prints "Network is up". */
export async function startUp(env: NodeJS.ProcessEnv, args: string[], timeoutMs = 60_000): Promise<Up> {
  const child = spawn(process.execPath, [GRAM_TS, "testnet", "up", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const up: Up = { child, output: () => out, exited };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`the testnet did not come up in ${timeoutMs / 1000} s: ${out}`));
    }, timeoutMs);
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("Network is up")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the testnet exited (${code}) before it was up: ${out}`));
    });
  });
  return up;
}

/** Sends `signal` to `up` and waits (bounded) for its exit code; SIGKILL when it hangs. */
export async function stopUp(
  up: Up,
  signal: NodeJS.Signals = "SIGTERM",
  timeoutMs = 30_000,
): Promise<number | null> {
  if (up.child.exitCode !== null || up.child.signalCode !== null) return up.child.exitCode;
  const timer = setTimeout(() => up.child.kill("SIGKILL"), timeoutMs);
  up.child.kill(signal);
  try {
    return await up.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The node pids testnet.json in `dir` records as running. */
export async function nodePids(dir: string): Promise<number[]> {
  const m = await readManifest(dir);
  return (m?.nodes ?? []).flatMap((n) => (n.pid === null ? [] : [n.pid]));
}

/** Kills `up` and every node it recorded with SIGKILL, as a crash would, and waits until they are gone. */
export async function crash(up: Up | null, dir: string): Promise<void> {
  const pids = await nodePids(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (up !== null) await stopUp(up, "SIGKILL");
  await stopProcesses(pids, 5_000);
}

/** Whether any of `pids` still runs. */
export async function anyAlive(pids: readonly number[]): Promise<boolean> {
  return (await Promise.all(pids.map(isAlive))).some(Boolean);
}
