import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatFriendly } from "../../node/address/index.ts";
import { keyPairFromSeed, sign } from "../../node/crypto/index.ts";
import { mnemonicToKeyPair } from "../../node/mnemonic/index.ts";
import { VerifyPool } from "../../node/verifier/index.ts";
import { walletAddress } from "../../node/wallet/index.ts";
import { tempHome } from "../testing.ts";
import { buildBundle } from "./build.ts";
import { type BundleManifest, bundleCurrent, currentBundle, MANIFEST, readManifest } from "./current.ts";

const execFileP = promisify(execFile);
const ROOT = new URL("../../", import.meta.url);

describe("currentBundle", () => {
  let root: string;
  let rootUrl: URL;
  let dirUrl: URL;
  const manifest = async (m: unknown) => writeFile(join(root, "build", MANIFEST), JSON.stringify(m));
  const fileStat = async (path: string): Promise<[number, number]> => {
    const s = await stat(join(root, path));
    return [s.size, s.mtimeMs];
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gram-bundle-"));
    rootUrl = pathToFileURL(`${root}/`);
    dirUrl = new URL("build/", rootUrl);
    await mkdir(join(root, "build"));
    await mkdir(join(root, "cli"));
    await writeFile(join(root, "cli", "a.ts"), "export const a = 1;\n");
    await writeFile(join(root, "lock.json"), "{}\n");
    await writeFile(join(root, "build", "program-abc.js"), "export {};\n");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const valid = async (): Promise<BundleManifest> => ({
    format: 1,
    entry: "program-abc.js",
    inputs: { "cli/a.ts": await fileStat("cli/a.ts"), "lock.json": await fileStat("lock.json") },
    outputs: { "program-abc.js": (await stat(join(root, "build", "program-abc.js"))).size },
  });

  test("names the entry while every source has the size and time of the build", async () => {
    await manifest(await valid());
    expect(currentBundle(rootUrl)?.href).toBe(new URL("build/program-abc.js", rootUrl).href);
  });

  test("a source edited, touched, grown or gone since the build means the sources", async () => {
    const m = await valid();
    const [size, mtimeMs] = m.inputs["cli/a.ts"];
    const others = (p: URL) => ({
      size: p.pathname.endsWith("lock.json") ? m.inputs["lock.json"][0] : 11,
      mtimeMs: m.inputs["lock.json"][1],
    });
    expect(
      bundleCurrent(m, rootUrl, dirUrl, (p) => (p.pathname.endsWith("a.ts") ? { size, mtimeMs } : others(p))),
    ).toBe(true);
    for (const changed of [{ size, mtimeMs: mtimeMs + 1 }, { size: size + 1, mtimeMs }, null])
      expect(
        bundleCurrent(m, rootUrl, dirUrl, (p) => (p.pathname.endsWith("a.ts") ? changed : others(p))),
      ).toBe(false);

    await manifest(m);
    const later = new Date(mtimeMs + 5_000);
    await utimes(join(root, "cli", "a.ts"), later, later);
    expect(currentBundle(rootUrl)).toBeNull();
    await manifest(await valid());
    expect(currentBundle(rootUrl)).not.toBeNull();
    await rm(join(root, "lock.json"));
    expect(currentBundle(rootUrl)).toBeNull();
    await writeFile(join(root, "lock.json"), "{}\n");
  });

  test("a file of the build gone or cut short means the sources", async () => {
    await manifest(await valid());
    await writeFile(join(root, "build", "program-abc.js"), "");
    expect(currentBundle(rootUrl)).toBeNull();
    await rm(join(root, "build", "program-abc.js"));
    expect(currentBundle(rootUrl)).toBeNull();
    await writeFile(join(root, "build", "program-abc.js"), "export {};\n");
    expect(currentBundle(rootUrl)).not.toBeNull();
  });

  test("no build, or a manifest that is not one, means the sources", async () => {
    const m = await valid();
    for (const bad of [
      "not json",
      null,
      [],
      { ...m, format: 2 },
      { ...m, entry: "../cli/a.ts" },
      { ...m, entry: "sub/program.js" },
      { ...m, entry: 7 },
      { ...m, inputs: {} },
      { ...m, inputs: { "cli/a.ts": [1] } },
      { ...m, inputs: { "cli/a.ts": ["1", 2] } },
      { ...m, inputs: null },
      { ...m, outputs: {} },
      { ...m, outputs: { ...m.outputs, "../x.js": 1 } },
      { ...m, outputs: { "program-abc.js": "11" } },
    ]) {
      await writeFile(join(root, "build", MANIFEST), typeof bad === "string" ? bad : JSON.stringify(bad));
      expect(currentBundle(rootUrl), JSON.stringify(bad)).toBeNull();
    }
    await rm(join(root, "build", MANIFEST));
    expect(currentBundle(rootUrl)).toBeNull();
  });
});

describe("buildBundle", () => {
  // One folder deep in the project, as build/ is: files shipped with the code are found from there.
  const dirName = `.build-test-${process.pid}`;
  const dir = new URL(`${dirName}/`, ROOT);
  let manifest: BundleManifest;

  beforeAll(async () => {
    manifest = await buildBundle(ROOT, dirName);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("the manifest lists the program's sources as they are, the lock, and the files it wrote", async () => {
    expect(readManifest(fileURLToPath(dir))).toEqual(manifest);
    for (const path of ["cli/program.ts", "node/p2p/p2p.ts", "node/verifier/worker.ts", "package-lock.json"])
      expect(Object.keys(manifest.inputs)).toContain(path);
    expect(Object.keys(manifest.inputs).some((p) => p.endsWith(".test.ts"))).toBe(false);
    expect(bundleCurrent(manifest, ROOT, dir)).toBe(true);
    expect(Object.keys(manifest.outputs)).toContain(manifest.entry);
    expect(manifest.entry).toMatch(/^program-/);
  });

  test("Node runs the program from it: a wallet's address, from the contract code shipped beside the sources", async () => {
    const { home, remove } = await tempHome();
    try {
      const script =
        "const { runCli } = await import(process.argv[1]);" +
        "process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });";
      const { stdout } = await execFileP(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          script,
          new URL(manifest.entry, dir).href,
          "wallet",
          "new",
          "alice",
          "--json",
        ],
        { env: { ...process.env, GRAM_HOME: home, GRAM_PASSWORD: "pw" }, timeout: 30_000 },
      );
      const out = JSON.parse(stdout);
      const key = mnemonicToKeyPair(out.mnemonic.split(" ")).publicKey;
      const id = walletAddress(key, 0n, 0n).id;
      expect(out.address).toBe(
        formatFriendly({ workchain: 0, hash: id }, { bounceable: false, testnet: false }),
      );
    } finally {
      await remove();
    }
  }, 60_000);

  test("the verifier's worker is a file of the build that the pool names and that answers checks", async () => {
    const texts = await Promise.all(
      Object.keys(manifest.outputs).map((f) => readFile(new URL(f, dir), "utf8")),
    );
    const named = texts.flatMap((t) =>
      [...t.matchAll(/new URL\("([\w.-]+\.js)", import\.meta\.url\)/g)].map((m) => m[1]),
    );
    expect(named).toHaveLength(1);
    expect(Object.keys(manifest.outputs)).toContain(named[0]);
    const errors: unknown[] = [];
    const pool = new VerifyPool({
      threads: 1,
      workerUrl: new URL(named[0], dir),
      onWorkerError: (e) => errors.push(e),
    });
    try {
      const key = keyPairFromSeed(new Uint8Array(32).fill(7));
      const message = new TextEncoder().encode("gram");
      const signature = sign(message, key.secretKey);
      const forged = signature.slice();
      forged[0] ^= 1;
      expect(
        await pool.verify([
          { message, publicKey: key.publicKey, signature },
          { message, publicKey: key.publicKey, signature: forged },
        ]),
      ).toEqual([true, false]);
      expect([pool.answered.workers, errors]).toEqual([1, []]);
    } finally {
      await pool.close();
    }
  });

  test("a build keeps the files the previous manifest names and those of the last day; older ones go", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms);
    const previous = "previous-00000000.js";
    const recent = "recent-00000000.js";
    const old = "old-00000000.js";
    const notOurs = "notes.txt";
    for (const f of [previous, recent, old, notOurs]) await writeFile(new URL(f, dir), "x");
    for (const f of [previous, old, notOurs])
      await utimes(new URL(f, dir), ago(3 * 86_400_000), ago(3 * 86_400_000));
    const m = readManifest(fileURLToPath(dir))!;
    await writeFile(
      new URL(MANIFEST, dir),
      JSON.stringify({ ...m, outputs: { ...m.outputs, [previous]: 1 } }),
    );
    const second = await buildBundle(ROOT, dirName);
    expect(second.entry).toBe(manifest.entry);
    const present = async (f: string) => (await stat(new URL(f, dir)).catch(() => null)) !== null;
    for (const f of [previous, recent, notOurs, ...Object.keys(second.outputs)])
      expect(await present(f), f).toBe(true);
    expect(await present(old)).toBe(false);
  }, 60_000);

  test("refuses a folder that is not one of its own, one deep", async () => {
    await expect(buildBundle(ROOT, "a/b")).rejects.toThrow(/one deep/);
    await expect(buildBundle(ROOT, "cli")).rejects.toThrow(/of its own/);
  });
});
