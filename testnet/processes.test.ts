import { spawn } from "node:child_process";
import { describe, expect, test } from "vitest";
import { isAlive, isProcessOf, stopProcesses } from "./processes.ts";

/** A Node process that prints once it is ready, and ignores SIGTERM when `stubborn`. */
async function child(stubborn: boolean, marker: string) {
  const code = `${stubborn ? "process.on('SIGTERM', () => {});" : ""} console.log('ready'); setInterval(() => {}, 1000); // ${marker}`;
  const c = spawn(process.execPath, ["-e", code, marker], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((r) => c.stdout.once("data", r));
  return c;
}

describe("node processes", () => {
  test("one that stops on SIGTERM is not killed; one that ignores it is, after the wait", async () => {
    const polite = await child(false, "gram-test-polite");
    const stubborn = await child(true, "gram-test-stubborn");
    try {
      const pids = [polite.pid as number, stubborn.pid as number];
      expect(await isProcessOf(pids[0], ["gram-test-polite"])).toBe(true);
      expect(await isProcessOf(pids[0], ["gram-test-stubborn"])).toBe(false);
      const stopped = await stopProcesses(pids, 300);
      expect(stopped).toEqual([
        { pid: pids[0], killed: false },
        { pid: pids[1], killed: true },
      ]);
      expect(await isAlive(pids[0])).toBe(false);
      expect(await isAlive(pids[1])).toBe(false);
    } finally {
      polite.kill("SIGKILL");
      stubborn.kill("SIGKILL");
    }
  });

  test("a pid that is gone is neither alive nor stopped twice", async () => {
    const c = await child(false, "gram-test-gone");
    const pid = c.pid as number;
    c.kill("SIGKILL");
    await new Promise((r) => c.once("exit", r));
    expect(await isAlive(pid)).toBe(false);
    expect(await stopProcesses([pid], 100)).toEqual([{ pid, killed: false }]);
  });
});
