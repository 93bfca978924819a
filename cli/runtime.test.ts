import { describe, expect, test } from "vitest";
import { missingFlags, nodeRuntimeFlags, relaunchWithNodeRuntime } from "./runtime.ts";

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
