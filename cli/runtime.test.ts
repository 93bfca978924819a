import { constants } from "node:module";
import { describe, expect, test } from "vitest";
import { buildProgram } from "./program.ts";
import {
  missingFlags,
  nodeRuntimeFlags,
  relaunchWithNodeRuntime,
  runsNode,
  shareCompileCache,
  VALUED_GLOBAL_OPTIONS,
} from "./runtime.ts";

describe("the node's V8 settings", () => {
  test("GC helpers fill the cores beside the main thread, at least one and at most V8's four", () => {
    const pool = (cores: number) => nodeRuntimeFlags(cores).find((f) => f.startsWith("--v8-pool-size="));
    expect(pool(1)).toBe("--v8-pool-size=1");
    expect(pool(2)).toBe("--v8-pool-size=1");
    expect(pool(3)).toBe("--v8-pool-size=2");
    expect(pool(16)).toBe("--v8-pool-size=4");
    expect(nodeRuntimeFlags(2)).toContain("--max-semi-space-size=64");
  });

  test("a flag the process already has, on its command line or in NODE_OPTIONS, is not added again", () => {
    const wanted = ["--max-semi-space-size=64", "--v8-pool-size=1"];
    expect(missingFlags(wanted, [], "")).toEqual(wanted);
    expect(missingFlags(wanted, ["--max-semi-space-size=32"], "")).toEqual(["--v8-pool-size=1"]);
    expect(missingFlags(wanted, [], "--v8-pool-size=3  --max_semi_space_size=8")).toEqual([]);
    expect(missingFlags(wanted, ["--import", "x.mjs"], "--max-old-space-size=4096")).toEqual(wanted);
  });
});

describe("which commands run a node", () => {
  test("node start, behind any global options", () => {
    expect(runsNode(["node", "start", "--dir", "d"])).toBe(true);
    expect(runsNode(["node", "start", "--data-dir", "d"])).toBe(true);
    expect(runsNode(["--json", "--rpc", "http://127.0.0.1:1", "node", "start"])).toBe(true);
    expect(runsNode(["--rpc=http://x", "--verbose", "node", "start", "--dir", "up"])).toBe(true);
  });

  test("no other command; testnet up starts its nodes with the settings instead", () => {
    expect(runsNode([])).toBe(false);
    expect(runsNode(["testnet", "up"])).toBe(false);
    expect(runsNode(["node", "status"])).toBe(false);
    expect(runsNode(["testnet", "accounts"])).toBe(false);
    expect(runsNode(["wallet", "new", "node", "start"])).toBe(false);
    // "node" here is the value of --rpc, not a command.
    expect(runsNode(["--rpc", "node", "start", "up"])).toBe(false);
  });

  test("the valued global options are the program's", async () => {
    const io = { env: {}, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
    const program = await buildProgram({ io, keystoreOptions: {} });
    const valued = program.options.filter((o) => o.required || o.optional).map((o) => o.long);
    expect(valued).toEqual([...VALUED_GLOBAL_OPTIONS]);
  });
});

describe("the relaunch", () => {
  const target = (execArgv: string[], execve: (file: string, args?: readonly string[]) => never) => {
    const written: string[] = [];
    return {
      written,
      proc: {
        execPath: "/opt/node",
        execArgv,
        argv: ["/opt/node", "/srv/gram.ts", "node", "start", "--dir", "d"],
        env: {},
        execve,
        stderr: { write: (t: string) => written.push(t) },
      },
    };
  };

  test("execs the same script and arguments with the missing flags first", () => {
    const calls: (readonly string[] | undefined)[] = [];
    const { proc, written } = target(["--max-semi-space-size=32"], (_f, args) => {
      calls.push(args);
      return undefined as never;
    });
    relaunchWithNodeRuntime(proc, 2);
    expect(calls).toEqual([
      [
        "/opt/node",
        "--v8-pool-size=1",
        "--max-semi-space-size=32",
        "/srv/gram.ts",
        "node",
        "start",
        "--dir",
        "d",
      ],
    ]);
    expect(written).toEqual([]);
  });

  test("does nothing when the process has every flag", () => {
    let calls = 0;
    const { proc, written } = target(nodeRuntimeFlags(2), () => {
      calls++;
      return undefined as never;
    });
    relaunchWithNodeRuntime(proc, 2);
    expect([calls, written]).toEqual([0, []]);
  });

  test("a failed exec leaves the process running and says so on stderr", () => {
    const { proc, written } = target([], () => {
      throw new Error("EACCES");
    });
    relaunchWithNodeRuntime(proc, 2);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^gram: running with V8's default settings; .*EACCES\n$/);
  });
});

describe("the compile cache", () => {
  const { ENABLED, ALREADY_ENABLED, DISABLED } = constants.compileCacheStatus;

  test("the directory this process enabled goes to the processes it starts", () => {
    const env: NodeJS.ProcessEnv = {};
    shareCompileCache({ status: ENABLED, directory: "/tmp/node-compile-cache" }, env);
    expect(env.NODE_COMPILE_CACHE).toBe("/tmp/node-compile-cache");
  });

  test("an operator's directory is kept, and a cache not enabled here is not passed on", () => {
    const set: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: "/var/cache/gram" };
    shareCompileCache({ status: ENABLED, directory: "/tmp/node-compile-cache" }, set);
    expect(set.NODE_COMPILE_CACHE).toBe("/var/cache/gram");
    for (const status of [ALREADY_ENABLED, DISABLED]) {
      const env: NodeJS.ProcessEnv = {};
      shareCompileCache({ status, directory: "/tmp/x" }, env);
      expect(env).toEqual({});
    }
  });
});
