import { readFileSync } from "node:fs";
import { Command } from "commander";
import { describe, expect, test } from "vitest";
import { DEFAULT_RPC, globalsOf } from "./context.ts";
import { buildProgram, COMMAND_GROUPS, groupsFor } from "./program.ts";
import { run, testIo } from "./testing.ts";

const env = { GRAM_HOME: "/nonexistent/gram-home-for-tests" };

/** A program without the command groups, to register them one by one. */
const newProgram = () => new Command("gram");

async function topLevelNames(): Promise<string[]> {
  return (await buildProgram({ io: testIo({}).io, keystoreOptions: {} })).commands.map((c) => c.name());
}

const expectOneLine = (stderr: string) => {
  expect(stderr.endsWith("\n")).toBe(true);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(/^gram: /);
};

describe("the program", () => {
  test("--help prints to stdout and exits 0, listing every command", async () => {
    const r = await run(["--help"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    for (const name of await topLevelNames()) expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\b`));
    expect(r.stdout).toContain("--rpc <url>");
  });

  test("help of a group and of a command", async () => {
    expect((await run(["wallet", "--help"], env)).stdout).toContain("Usage: gram wallet");
    const r = await run(["wallet", "help", "new"], env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Usage: gram wallet new");
    expect(r.stdout).toContain("Global Options:");
  });

  test("--version prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(await run(["--version"], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  test("each command group adds the commands its entry names, and no two add the same name", async () => {
    const program = newProgram();
    const seen: string[] = [];
    for (const entry of COMMAND_GROUPS) {
      const before = program.commands.length;
      (await entry.load()).register(program, { io: testIo({}).io, keystoreOptions: {} });
      const added = program.commands.slice(before).map((c) => c.name());
      expect(added).toEqual(entry.commands);
      seen.push(...added);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  test("a command line loads the group of its command alone, or every group", () => {
    const commandsOf = (argv: string[]) => groupsFor(argv).flatMap((g) => g.commands);
    expect(commandsOf(["node", "start", "--data-dir", "d"])).toEqual(["node"]);
    expect(commandsOf(["--rpc", "http://127.0.0.1:1", "--json", "transfer", "a", "b", "1"])).toEqual([
      "balance",
      "transfer",
      "tx",
      "history",
    ]);
    // Help, the version, no command and a misspelling list or suggest every command.
    for (const argv of [[], ["--help"], ["help", "wallet"], ["--version"], ["walet"]])
      expect(groupsFor(argv)).toBe(COMMAND_GROUPS);
  });

  test("--rpc defaults to the local node", async () => {
    const program = await buildProgram({ io: testIo({}).io, keystoreOptions: {} });
    program.parseOptions([]);
    const wallet = program.commands.find((c) => c.name() === "wallet")!;
    expect(globalsOf(wallet)).toEqual({ rpc: DEFAULT_RPC, json: false, verbose: false });
    expect(DEFAULT_RPC).toBe("http://127.0.0.1:8645");
  });

  test.each([
    [
      [],
      `'gram' needs a command: ${COMMAND_GROUPS.flatMap((g) => g.commands).join(", ")}; see 'gram --help'`,
    ],
    [["wallet"], "'gram wallet' needs a command: new, import, list, show; see 'gram wallet --help'"],
    [["walet"], "unknown command 'walet' (Did you mean wallet?); see 'gram --help'"],
    [["--bogus"], "unknown option '--bogus'; see 'gram --help'"],
    [["wallet", "list", "--bogus"], "unknown option '--bogus'; see 'gram wallet list --help'"],
    [["wallet", "show"], "missing required argument 'name'; see 'gram wallet show --help'"],
    [
      ["wallet", "show", "a", "b"],
      "too many arguments for 'show'. Expected 1 argument but got 2: a, b; see 'gram wallet show --help'",
    ],
    [
      ["wallet", "new", "a b"],
      "invalid name 'a b': a wallet name is 1 to 64 letters, digits, '_' or '-'; see 'gram wallet new --help'",
    ],
    [
      ["wallet", "new", "x", "--subwallet", "-1"],
      "invalid value '-1' for --subwallet: a subwallet id is an integer in 0..4294967295; see 'gram wallet new --help'",
    ],
    [
      ["wallet", "new", "x", "--subwallet"],
      "option '--subwallet <id>' argument missing; see 'gram wallet new --help'",
    ],
    [
      ["--rpc", "ftp://x", "wallet", "list"],
      "invalid value 'ftp://x' for --rpc: the node's RPC is an http:// or https:// URL; see 'gram --help'",
    ],
  ])("usage error %j: exit 2, one line, nothing on stdout", async (argv, message) => {
    const r = await run(argv, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expectOneLine(r.stderr);
    expect(r.stderr).toBe(`gram: ${message}\n`);
  });

  test("--verbose adds the stack after the one line", async () => {
    const r = await run(["address", "nope", "--verbose"], env);
    expect(r.code).toBe(1);
    const [line, ...stack] = r.stderr.trimEnd().split("\n");
    expect(line).toMatch(/^gram: address "nope"/);
    expect(stack.join("\n")).toMatch(/AddressError/);
  });
});
