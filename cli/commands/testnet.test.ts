import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { writeManifest } from "../../testnet/index.ts";
import { run } from "../testing.ts";
import { mergeByTime } from "./testnetLogs.ts";

const env = { GRAM_HOME: "/nonexistent/gram-home-for-tests" };

const expectUsage = (r: { code: number; stderr: string; stdout: string }, message: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
};

describe("testnet, block and faucet arguments", () => {
  test("testnet up refuses a bad count, port, base port or block time before doing anything", async () => {
    const up = (...args: string[]) => run(["testnet", "up", "--dir", "/nonexistent/net", ...args], env);
    expectUsage(
      await up("--validators", "0"),
      /invalid value '0' for --validators: --validators is a whole number in 1\.\.100/,
    );
    expectUsage(await up("--validators", "101"), /--validators/);
    expectUsage(await up("--validators", "four"), /--validators/);
    expectUsage(await up("--validators", "2.5"), /--validators/);
    expectUsage(await up("--base-port", "70000"), /--base-port: a port is a whole number in 1\.\.65535/);
    expectUsage(await up("--base-port", "-1"), /--base-port/);
    expectUsage(await up("--base-port", "80"), /--base-port 80 leaves no room/);
    // Four validators need ports up to base+103.
    expectUsage(await up("--base-port", "65433"), /--base-port 65433 leaves no room.*base\+103/);
    expectUsage(await up("--base-port", "65400", "--validators", "40"), /leaves no room/);
    expectUsage(
      await up("--spare", "17"),
      /invalid value '17' for --spare: --spare is a whole number in 0\.\.16/,
    );
    expectUsage(await up("--spare", "-1"), /--spare/);
    expectUsage(await up("--spare", "one"), /--spare/);
    expectUsage(
      await up("--validators", "90", "--spare", "11"),
      /--validators 90 and --spare 11 make 101 nodes; a testnet has at most 100/,
    );
    // Four validators and a spare need ports up to base+104.
    expectUsage(
      await up("--base-port", "65432", "--spare", "1"),
      /--base-port 65432 leaves no room.*base\+104/,
    );
    expectUsage(await up("--block-time", "0"), /--block-time/);
    expectUsage(await up("--block-time", "soon"), /--block-time/);
  });

  test("block mc and bc take a whole seqno", async () => {
    for (const bad of ["abc", "1.5", "-1", "01", "1e3", "9007199254740992"])
      expectUsage(await run(["block", "mc", bad], env), /seqno/);
    expectUsage(await run(["block", "bc", "x"], env), /seqno/);
    expectUsage(await run(["block", "xx", "1"], env), /unknown command 'xx'/);
    expectUsage(await run(["block", "mc"], env), /missing required argument 'seqno'/);
  });

  test("logs takes a node index and a line count", async () => {
    expectUsage(await run(["testnet", "logs", "--lines", "0"], env), /--lines/);
    expectUsage(await run(["testnet", "logs", "--node", "x"], env), /--node/);
    expectUsage(
      await run(["testnet", "logs", "--follow", "--json"], { ...env, GRAM_HOME: tmpdir() }),
      /--follow/,
    );
  });

  test("node start needs a data directory; --dir is its older name", async () => {
    expectUsage(await run(["node", "start"], env), /needs --data-dir/);
    expectUsage(
      await run(["node", "start", "--data-dir", "a", "--dir", "b"], env),
      /another name for --data-dir/,
    );
  });

  test("faucet refuses a bad amount before it asks a node", async () => {
    const r = await run(["--rpc", "http://127.0.0.1:1", "faucet", `0:${"ab".repeat(32)}`, "0"], env);
    expectUsage(r, /more than 0/);
    const neg = await run(["--rpc", "http://127.0.0.1:1", "faucet", `0:${"ab".repeat(32)}`, "lots"], env);
    expect(neg.code).toBe(1);
    expect(neg.stderr).toMatch(/amount/);
  });
});

describe("the testnet commands without a running network", () => {
  test("status, logs and down say there is none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-cli-testnet-"));
    try {
      for (const cmd of ["status", "logs", "down"]) {
        const r = await run(["testnet", cmd, "--dir", dir], env);
        expect(r.code, cmd).toBe(1);
        expect(r.stderr).toMatch(/no testnet was started in .*; start one with 'gram testnet up'/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a network whose processes are gone: status shows them stopped and unreachable, down stops nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-cli-testnet-"));
    try {
      // No live process has pid 2^22 + 1 (above Linux's default pid_max).
      await writeManifest(dir, {
        nodes: [{ index: 0, rpc: "http://127.0.0.1:1", pid: 4_194_305, dataDir: join(dir, "node-0") }],
        startedAt: new Date().toISOString(),
        supervisor: null,
      });
      const status = await run(["testnet", "status", "--dir", dir, "--json"], env);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).nodes).toEqual([
        {
          index: 0,
          rpc: "http://127.0.0.1:1",
          pid: 4_194_305,
          alive: false,
          dataDir: join(dir, "node-0"),
          // Neither testnet.json nor a data directory names its key, and no genesis is there.
          validatorKey: null,
          role: null,
          masterchainSeqno: null,
          masterchainHash: null,
        },
      ]);
      const text = await run(["testnet", "status", "--dir", dir], env);
      expect(text.stdout).toMatch(/^node +role +rpc .*\n0 +unknown +http:\/\/127\.0\.0\.1:1 /m);
      const down = await run(["testnet", "down", "--dir", dir], env);
      expect([down.code, down.stdout]).toEqual([0, `Nothing was running in ${dir}.\n`]);
      const logs = await run(["testnet", "logs", "--dir", dir], env);
      expect([logs.code, logs.stdout]).toEqual([0, "No log lines yet.\n"]);
      expectUsage(await run(["testnet", "logs", "--dir", dir, "--node", "1"], env), /has nodes 0\.\.0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("logs of several nodes", () => {
  test("are merged by pino's time; a line without one stays after the line before it", () => {
    const line = (time: number, msg: string) => JSON.stringify({ time, msg });
    const merged = mergeByTime([
      { node: 0, lines: [line(10, "a"), "not json", line(30, "c")] },
      { node: 1, lines: [line(5, "x"), line(20, "y")] },
    ]);
    expect(
      merged.map((l) => `${l.node}:${l.text.includes("msg") ? JSON.parse(l.text).msg : l.text}`),
    ).toEqual(["1:x", "0:a", "0:not json", "1:y", "0:c"]);
  });
});
