// The node processes of a network: started with their output in a log file, told apart from an
// unrelated process that reused a recorded pid, and stopped with SIGTERM, then SIGKILL after a
// bounded wait. Each node runs in its own process group, so a Ctrl+C in the terminal reaches
// only `gram testnet up`, which then stops them in order.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";

export interface NodeCommand {
  file: string;
  args: string[];
}

/** Starts `command` with stdout and stderr appended to `logFile`. */
export function spawnLogged(command: NodeCommand, logFile: string, env = process.env): ChildProcess {
  const fd = openSync(logFile, "a", 0o600);
  try {
    return spawn(command.file, command.args, { stdio: ["ignore", fd, fd], detached: true, env });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
}

let hasProc: Promise<boolean> | undefined;
/** Whether this system has /proc (Linux), asked once. */
function procExists(): Promise<boolean> {
  hasProc ??= readFile("/proc/self/stat", "utf8").then(
    () => true,
    () => false,
  );
  return hasProc;
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, is not). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    // No /proc (not Linux): kill(0) is all there is. Otherwise the process went away between the
    // two looks (its stat reads ENOENT or ESRCH while it is reaped): ask kill(0) once more.
    if (!(await procExists())) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Whether `pid` is alive and its command line holds every one of `args` (on Linux; elsewhere
 * alive is all that can be known), so a pid the system gave to another program is left alone.
 */
export async function isProcessOf(pid: number, args: readonly string[]): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  let cmdline: string[];
  try {
    cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
  } catch {
    return true;
  }
  return args.every((a) => cmdline.includes(a));
}

export interface Stopped {
  pid: number;
  /** It did not stop on SIGTERM in time and was killed. */
  killed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends SIGTERM to each, waits up to `timeoutMs` for them all, then SIGKILLs those left. */
export async function stopProcesses(pids: readonly number[], timeoutMs: number): Promise<Stopped[]> {
  const signal = (pid: number, s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  let left = [...pids];
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : 0)))).filter((p) => p !== 0);
  }
  for (const pid of left) signal(pid, "SIGKILL");
  // SIGKILL cannot be caught; the wait is for the kernel to take the process down.
  const killDeadline = Date.now() + 5_000;
  for (const pid of left) while ((await isAlive(pid)) && Date.now() < killDeadline) await sleep(20);
  return pids.map((pid) => ({ pid, killed: left.includes(pid) }));
}
