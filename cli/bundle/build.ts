// `npm run build`, run by `npm install` (prepare) and `npm test`: bundles the program into build/,
// a few files in place of about a thousand modules. Loading those modules was most of a node's
// start: 0.9 s of CPU from the sources, 0.3 s from the bundle, four times over when a testnet
// starts its validators on two cores. current.ts decides at each start whether the bundle still
// holds the sources; when it does not, `gram` runs from the sources.
//
// Every file of a build is named by its content and the manifest, written last, names the entry:
// a process started from the previous build (a node still running) still finds each file it
// loads later, and one starting meanwhile reads either manifest whole.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutputChunk, Plugin } from "rolldown";
import { BUILD_DIR, type BundleManifest, MANIFEST } from "./current.ts";

const ROOT = new URL("../../", import.meta.url);

const ENTRY = "cli/program.ts";
/** The entries of worker threads, which the program starts by their URL. */
const WORKERS = ["node/verifier/worker.ts"];
const SOURCE_DIRS = ["cli", "node", "testnet", "vm"];
/** What says which dependencies are installed: npm's record of node_modules, and the lock. */
const LOCKS = ["node_modules/.package-lock.json", "package-lock.json"];
/**
 * Loaded from node_modules, as without a bundle: packages that load native code or start threads
 * by paths beside their own files (pino, for its transports), and the optional native helpers of
 * packages inside the bundle.
 */
const EXTERNAL = [
  /^(level|classic-level|sodium-native|pino|msgpackr-extract|bufferutil|utf-8-validate)(\/|$)/,
];

type Stats = BundleManifest["inputs"];

function sourceStats(root: string): Stats {
  const stats: Stats = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(`${root}/${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) {
        const s = statSync(`${root}/${path}`);
        stats[path] = [s.size, s.mtimeMs];
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  for (const path of LOCKS) {
    const s = statSync(`${root}/${path}`, { throwIfNoEntry: false });
    if (s !== undefined) stats[path] = [s.size, s.mtimeMs];
  }
  return stats;
}

// A file named the way Node's Worker takes it: `new URL("./worker.ts", import.meta.url)`.
const FILE_URL = /new URL\(\s*"(\.\.?\/[\w./-]+\.ts)",\s*import\.meta\.url\s*\)/g;

/** A worker's entry becomes a chunk of its own, and the URL of that chunk takes its place. */
function workerEntries(root: string): Plugin {
  const workers = new Set(WORKERS.map((w) => resolve(root, w)));
  return {
    name: "gram-worker-entries",
    transform(code, id) {
      if (id.includes("node_modules") || !code.includes("import.meta.url")) return null;
      let changed = false;
      const out = code.replace(FILE_URL, (url, path: string) => {
        const file = resolve(dirname(id), path);
        if (!workers.has(file)) return url;
        changed = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${this.emitFile({ type: "chunk", id: file })})`;
      });
      return changed ? { code: out } : null;
    },
  };
}

function previousFiles(dir: string): string[] {
  try {
    const { files } = JSON.parse(readFileSync(`${dir}/${MANIFEST}`, "utf8")) as { files?: unknown };
    return Array.isArray(files) ? files.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

export interface Built {
  manifest: BundleManifest;
  bytes: number;
}

/**
 * Bundles the program under `root` into `root`/`dir` (one folder deep: files shipped beside the
 * code are found from there). The sources are looked at before the bundler reads them, so one
 * edited during the build leaves a bundle current.ts refuses. Files of builds before the previous
 * one are removed.
 */
export async function buildBundle(root: URL = ROOT, dirName = BUILD_DIR): Promise<Built> {
  if (!/^[\w.-]+$/.test(dirName))
    throw new Error(`the bundle's folder must be one folder deep, not ${dirName}`);
  const { rolldown } = await import("rolldown");
  const rootPath = fileURLToPath(root);
  const dir = `${rootPath}/${dirName}`;
  const stats = sourceStats(rootPath);
  const bundle = await rolldown({
    cwd: rootPath,
    input: { program: ENTRY },
    platform: "node",
    external: EXTERNAL,
    plugins: [workerEntries(rootPath)],
    logLevel: "warn",
  });
  let chunks: OutputChunk[];
  try {
    const { output } = await bundle.write({
      dir,
      format: "esm",
      entryFileNames: "[name]-[hash].js",
      chunkFileNames: "[name]-[hash].js",
    });
    chunks = output.filter((o): o is OutputChunk => o.type === "chunk");
  } finally {
    await bundle.close();
  }
  const inputs: Stats = {};
  for (const chunk of chunks)
    for (const id of chunk.moduleIds) {
      const path = relative(rootPath, id).replaceAll("\\", "/");
      if (stats[path] !== undefined) inputs[path] = stats[path];
    }
  for (const path of LOCKS) if (stats[path] !== undefined) inputs[path] = stats[path];
  const entry = chunks.find((c) => c.isEntry)?.fileName;
  for (const path of [ENTRY, ...WORKERS])
    if (inputs[path] === undefined) throw new Error(`the bundle does not hold ${path}`);
  if (entry === undefined) throw new Error("the bundle has no entry");
  const files = chunks.map((c) => c.fileName).sort();
  const keep = new Set([MANIFEST, ...files, ...previousFiles(dir)]);
  const manifest: BundleManifest = { format: 1, entry, inputs, files };
  writeFileSync(`${dir}/${MANIFEST}.${process.pid}`, `${JSON.stringify(manifest)}\n`);
  renameSync(`${dir}/${MANIFEST}.${process.pid}`, `${dir}/${MANIFEST}`);
  for (const name of readdirSync(dir))
    if (!keep.has(name) && !name.startsWith(`${MANIFEST}.`)) rmSync(`${dir}/${name}`, { force: true });
  return { manifest, bytes: chunks.reduce((n, c) => n + c.code.length, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const { manifest, bytes } = await buildBundle();
    const sources = Object.keys(manifest.inputs).filter((p) => !LOCKS.includes(p)).length;
    console.log(
      `gram: bundled ${sources} source files and their dependencies into ${BUILD_DIR}/ (${manifest.files.length} files, ${Math.round(bytes / 1024)} KiB) in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(e).includes("rolldown"))
      console.log(
        "gram: the bundler (rolldown, a dev dependency) is not installed; gram runs from its sources",
      );
    else {
      console.error(`gram: the bundle could not be built: ${(e as Error).stack ?? e}`);
      process.exitCode = 1;
    }
  }
}
