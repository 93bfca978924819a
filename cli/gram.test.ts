// The command as a user runs it: a real process of the pinned Node on cli/gram.ts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { PHRASES, tempHome } from "./testing.ts";

const GRAM = fileURLToPath(new URL("./gram.ts", import.meta.url));

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ home, remove } = await tempHome());
});
afterEach(() => remove());

function gram(args: string[], env: Record<string, string> = {}, input = "") {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [GRAM, ...args], {
      env: { GRAM_HOME: home, PATH: process.env.PATH ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("gram as a process", () => {
  test("the entry point is executable and starts with a shebang", async () => {
    expect((await stat(GRAM)).mode & 0o111).not.toBe(0);
    expect(readFileSync(GRAM, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  test("address --json: one JSON object on stdout, exit 0", async () => {
    const r = await gram(["address", `0:${"00".repeat(32)}`, "--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).bounceable).toBe("EQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAM9c");
  });

  test("a bad address: exit 1 and one line on stderr", async () => {
    const r = await gram(["address", "EQ-not-an-address"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^gram: address "EQ-not-an-address" has 17 characters[^\n]*\n$/);
  });

  test("a usage error: exit 2 and one line on stderr", async () => {
    const r = await gram(["wallet", "frobnicate"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "gram: unknown command 'frobnicate'; see 'gram wallet --help'\n",
    });
  });

  test("import from piped stdin with GRAM_PASSWORD, then list and show", async () => {
    const imported = await gram(
      ["wallet", "import", "alice", "--json"],
      { GRAM_PASSWORD: "pw" },
      PHRASES[0].words,
    );
    expect([imported.code, imported.stderr]).toEqual([0, ""]);
    const { address, publicKey } = JSON.parse(imported.stdout);
    expect(publicKey).toBe(PHRASES[0].publicKey);

    const list = await gram(["wallet", "list", "--json"]);
    expect(JSON.parse(list.stdout).wallets.map((w: { address: string }) => w.address)).toEqual([address]);
    expect((await gram(["wallet", "show", "alice"])).stdout).toContain(address);
    expect((await stat(`${home}/keystore/alice.json`)).mode & 0o777).toBe(0o600);
  });

  test("wallet new without a password or a terminal fails with one line", async () => {
    const r = await gram(["wallet", "new", "bob"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "gram: wallet bob needs a password and there is no terminal to ask on; set GRAM_PASSWORD\n",
    );
  });
});
