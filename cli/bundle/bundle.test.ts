import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatFriendly } from "../../node/address/index.ts";
import { mnemonicToKeyPair } from "../../node/mnemonic/index.ts";
import { walletAddress } from "../../node/wallet/index.ts";
import type { runCli } from "../program.ts";
import { TEST_SCRYPT, tempHome, testIo } from "../testing.ts";
import { type Built, buildBundle } from "./build.ts";
import { type BundleManifest, currentBundle, inputsCurrent, MANIFEST } from "./current.ts";

const ROOT = new URL("../../", import.meta.url);

describe("currentBundle", () => {
  let root: string;
  let rootUrl: URL;
  const manifest = async (m: unknown) => writeFile(join(root, "build", MANIFEST), JSON.stringify(m));
  const fileStat = async (path: string): Promise<[number, number]> => {
    const s = await stat(join(root, path));
    return [s.size, s.mtimeMs];
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gram-bundle-"));
    rootUrl = pathToFileURL(`${root}/`);
    await mkdir(join(root, "build"));
    await mkdir(join(root, "cli"));
    await writeFile(join(root, "cli", "a.ts"), "export const a = 1;\n");
    await writeFile(join(root, "lock.json"), "{}\n");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const valid = async (): Promise<BundleManifest> => ({
    format: 1,
    entry: "program-abc.js",
    inputs: { "cli/a.ts": await fileStat("cli/a.ts"), "lock.json": await fileStat("lock.json") },
    files: ["program-abc.js"],
  });

  test("names the entry while every input has the size and time of the build", async () => {
    await manifest(await valid());
    expect(currentBundle(rootUrl)?.href).toBe(new URL("build/program-abc.js", rootUrl).href);
  });

  test("an input edited, touched, grown or gone since the build means the sources", async () => {
    const m = await valid();
    const [size, mtimeMs] = m.inputs["cli/a.ts"];
    for (const changed of [
      { size, mtimeMs: mtimeMs + 1 },
      { size: size + 1, mtimeMs },
    ])
      expect(
        inputsCurrent(m, rootUrl, (p) => (p.pathname.endsWith("a.ts") ? changed : { size: 3, mtimeMs: 0 })),
      ).toBe(false);
    expect(inputsCurrent(m, rootUrl, () => null)).toBe(false);

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
  let built: Built;

  beforeAll(async () => {
    built = await buildBundle(ROOT, dirName);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("the manifest lists the program's sources as they are, the lock, and files that exist", async () => {
    const { manifest } = built;
    expect(JSON.parse(await readFile(new URL(MANIFEST, dir), "utf8"))).toEqual(manifest);
    for (const path of ["cli/program.ts", "node/p2p/p2p.ts", "node/verifier/worker.ts", "package-lock.json"])
      expect(Object.keys(manifest.inputs)).toContain(path);
    expect(Object.keys(manifest.inputs).some((p) => p.endsWith(".test.ts"))).toBe(false);
    expect(inputsCurrent(manifest, ROOT)).toBe(true);
    expect(manifest.files).toContain(manifest.entry);
    for (const f of manifest.files) expect((await stat(new URL(f, dir))).size).toBeGreaterThan(0);
  });

  test("runs the program: a wallet's address, from the contract code shipped beside the sources", async () => {
    const { runCli: bundled } = (await import(new URL(built.manifest.entry, dir).href)) as {
      runCli: typeof runCli;
    };
    const { home, remove } = await tempHome();
    try {
      const { io, stdout, stderr } = testIo({ GRAM_HOME: home, GRAM_PASSWORD: "pw" });
      const code = await bundled(["wallet", "new", "alice", "--json"], {
        ...io,
        keystore: { scrypt: TEST_SCRYPT },
      });
      expect([code, stderr.text]).toEqual([0, ""]);
      const out = JSON.parse(stdout.text);
      const key = mnemonicToKeyPair(out.mnemonic.split(" ")).publicKey;
      const id = walletAddress(key, 0n, 0n).id;
      expect(out.address).toBe(
        formatFriendly({ workchain: 0, hash: id }, { bounceable: false, testnet: false }),
      );
    } finally {
      await remove();
    }
  });

  test("the verifier's worker is a file of the build that the pool names and that starts", async () => {
    const texts = await Promise.all(built.manifest.files.map((f) => readFile(new URL(f, dir), "utf8")));
    const named = texts.flatMap((t) =>
      [...t.matchAll(/new URL\("([\w.-]+\.js)", import\.meta\.url\)/g)].map((m) => m[1]),
    );
    expect(named).toHaveLength(1);
    expect(built.manifest.files).toContain(named[0]);
    const worker = new Worker(new URL(named[0], dir), { workerData: { niceness: 0 } });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once("online", resolve);
        worker.once("error", reject);
      });
      // A worker whose modules failed to load dies right after it comes online.
      const died = await Promise.race([
        new Promise<Error>((r) => worker.once("error", r)),
        new Promise<null>((r) => setTimeout(() => r(null), 300)),
      ]);
      expect(died).toBeNull();
    } finally {
      await worker.terminate();
    }
  });

  test("a second build keeps the first one's files for the processes running it, and no older", async () => {
    const stale = new URL("gone-0000.js", dir);
    await writeFile(stale, "");
    const first = built.manifest.files;
    const second = await buildBundle(ROOT, dirName);
    for (const f of [...first, ...second.manifest.files])
      expect((await stat(new URL(f, dir))).isFile()).toBe(true);
    await expect(stat(stale)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  test("refuses a folder that is not one folder deep", async () => {
    await expect(buildBundle(ROOT, "a/b")).rejects.toThrow(/one folder deep/);
  });
});
