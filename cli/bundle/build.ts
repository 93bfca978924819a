// `npm run build`, run by `npm install` (prepare) and `npm test`: bundles the program into build/,
// a few files in place of about a thousand modules. Loading those modules was most of a node's
// start: 0.7 s from the sources, 0.3 s from the bundle, four times over when a testnet starts its
// validators on two cores. current.ts decides at each start whether the bundle still holds the
// sources; when it does not, `gram` runs from the sources.
//
// Files are named by their content and never written over: each is written whole under another
// name and renamed, and one that exists already is left alone. The manifest, which names the
// entry, goes last the same way. So a process starting during a build, or a node loading a chunk
// later (its verifier's worker starts on first use), finds whole files of one build or the other,
// and builds running at once do not undo each other. A file no current manifest names stays a day,
// for the nodes still running the build that made it.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { OutputChunk, Plugin } from "rolldown";
import { BUILD_DIR, type BundleManifest, MANIFEST, readManifest } from "./current.ts";

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
/** How long a file that no manifest names is kept (a node may run that long on an older build). */
const KEEP_UNNAMED_MS = 24 * 3600 * 1000;
/** A chunk's name as the build gives it: its module's name and a hash of its content. */
const CHUNK_NAME = /^[\w.-]+-[\w-]{8}\.js$/;
/**
 * A time the file system may not tell apart from a later write of the same size: sources written
 * this recently are waited out before they are looked at (as git treats racily clean files).
 */
const MTIME_GRAIN_MS = 2_000;

type Stats = BundleManifest["inputs"];

function sourceStats(root: string): Stats {
  const stats: Stats = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) {
        const s = statSync(join(root, path));
        stats[path] = [s.size, s.mtimeMs];
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  for (const path of LOCKS) {
    const s = statSync(join(root, path), { throwIfNoEntry: false });
    if (s !== undefined) stats[path] = [s.size, s.mtimeMs];
  }
  return stats;
}

/** The sources' sizes and times, once none of them is younger than the file system's grain. */
async function settledStats(root: string): Promise<Stats> {
  for (;;) {
    const stats = sourceStats(root);
    const newest = Math.max(...Object.values(stats).map(([, mtimeMs]) => mtimeMs));
    const wait = newest + MTIME_GRAIN_MS - Date.now();
    // A time ahead of the clock is not waited for: the next write of that file still changes it.
    if (wait <= 0 || wait > MTIME_GRAIN_MS) return stats;
    await new Promise((r) => setTimeout(r, Math.min(wait, MTIME_GRAIN_MS)));
  }
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

/** A URL a chunk makes from its own place must name something there: else it works only from the sources. */
function assertFileUrls(chunk: OutputChunk, dir: string): void {
  for (const [, path] of chunk.code.matchAll(
    /new URL\(\s*["'`]([^"'`$]+)["'`]\s*,\s*import\.meta\.url\s*\)/g,
  ))
    if (!existsSync(new URL(path, pathToFileURL(join(dir, chunk.fileName)))))
      throw new Error(
        `${chunk.fileName} makes the URL ${path} from its own place, where nothing is: a file shipped beside the code is found from a module one folder deep (vm/files.ts)`,
      );
}

/** Writes `bytes` as `path` whole: under another name first, then renamed. */
function writeWhole(path: string, bytes: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}

/**
 * Bundles the program under `root` into `root`/`dirName` (one folder deep: files shipped beside
 * the code are found from there). The sources are looked at before the bundler reads them, so
 * one edited during the build leaves a bundle current.ts refuses.
 */
export async function buildBundle(root: URL = ROOT, dirName = BUILD_DIR): Promise<BundleManifest> {
  if (!/^[\w.-]+$/.test(dirName) || SOURCE_DIRS.includes(dirName))
    throw new Error(`the bundle's folder must be a folder of its own, one deep, not ${dirName}`);
  const { rolldown } = await import("rolldown");
  const rootPath = fileURLToPath(root);
  const dir = join(rootPath, dirName);
  const stats = await settledStats(rootPath);
  const bundle = await rolldown({
    cwd: rootPath,
    input: { program: ENTRY },
    platform: "node",
    external: EXTERNAL,
    plugins: [workerEntries(rootPath)],
    tsconfig: false,
    logLevel: "warn",
  });
  let chunks: OutputChunk[];
  try {
    const { output } = await bundle.generate({
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
      if (id.includes("node_modules") || id.startsWith("\0") || id.startsWith("rolldown:")) continue;
      const path = relative(rootPath, id).replaceAll("\\", "/");
      // A module the look before the build did not see (not a .ts file under the source
      // folders, or one made meanwhile) would go unwatched.
      if (stats[path] === undefined)
        throw new Error(`the bundle holds ${path}, which is not a watched source`);
      inputs[path] = stats[path];
    }
  for (const path of LOCKS) if (stats[path] !== undefined) inputs[path] = stats[path];
  for (const path of WORKERS)
    if (inputs[path] === undefined) throw new Error(`the bundle does not hold ${path}`);
  const entry = chunks.find((c) => c.facadeModuleId === resolve(rootPath, ENTRY))?.fileName;
  if (entry === undefined) throw new Error(`no file of the bundle is ${ENTRY}`);

  mkdirSync(dir, { recursive: true });
  const outputs: BundleManifest["outputs"] = {};
  for (const chunk of chunks) {
    const path = join(dir, chunk.fileName);
    const size = Buffer.byteLength(chunk.code);
    outputs[chunk.fileName] = size;
    if (statSync(path, { throwIfNoEntry: false })?.size !== size) writeWhole(path, chunk.code);
  }
  for (const chunk of chunks) assertFileUrls(chunk, dir);
  const previous = readManifest(dir);
  const manifest: BundleManifest = { format: 1, entry, inputs, outputs };
  writeWhole(join(dir, MANIFEST), `${JSON.stringify(manifest)}\n`);

  const named = new Set([...Object.keys(outputs), ...Object.keys(previous?.outputs ?? {})]);
  for (const name of readdirSync(dir)) {
    if (!CHUNK_NAME.test(name) || named.has(name)) continue;
    const s = statSync(join(dir, name), { throwIfNoEntry: false });
    if (s !== undefined && Date.now() - s.mtimeMs > KEEP_UNNAMED_MS) rmSync(join(dir, name), { force: true });
  }
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --prepare (npm install): a bundle that cannot be made leaves gram on its sources, which is
  // said but does not fail the install. `npm run build` and `npm test` fail on it.
  const prepare = process.argv.includes("--prepare");
  const started = performance.now();
  try {
    const manifest = await buildBundle();
    const bytes = Object.values(manifest.outputs).reduce((n, size) => n + size, 0);
    const sources = Object.keys(manifest.inputs).filter((p) => !LOCKS.includes(p)).length;
    console.log(
      `gram: bundled ${sources} source files and their dependencies into ${BUILD_DIR}/ (${Object.keys(manifest.outputs).length} files, ${Math.round(bytes / 1024)} KiB) in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (e) {
    const missing =
      (e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(e).includes("rolldown");
    const why = missing
      ? "the bundler (rolldown, a dev dependency) is not installed"
      : String((e as Error).stack ?? e);
    if (prepare || missing) console.warn(`gram: no bundle, so gram runs from its sources: ${why}`);
    else {
      console.error(`gram: the bundle could not be built: ${why}`);
      process.exitCode = 1;
    }
  }
}
