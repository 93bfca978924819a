// Whether the bundle in build/ (build.ts) holds the sources as they are now. `gram` runs from it
// only then: a node starts in less than half the time when it loads a few files instead of a
// thousand modules, but a source edited or a dependency installed since the build must never be
// shadowed by older code. Anything else (no build, a manifest that does not parse, a source
// changed, gone or added to the dependencies, a file of the build missing) means the sources,
// which are always right. Not seen: edits inside node_modules itself (npm install is).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** What build.ts writes beside the bundle, as build/manifest.json. */
export interface BundleManifest {
  format: 1;
  /** The file of the bundle that exports runCli (program.ts's). */
  entry: string;
  /**
   * Each source file in the bundle and the dependencies' lock, by path from the project's root,
   * with its size and modification time when the build began.
   */
  inputs: Record<string, [size: number, mtimeMs: number]>;
  /** The files of the build and their sizes. */
  outputs: Record<string, number>;
}

export const BUILD_DIR = "build";
export const MANIFEST = "manifest.json";

export type StatOf = (path: URL) => { size: number; mtimeMs: number } | null;

const statOrNull: StatOf = (path) => statSync(path, { throwIfNoEntry: false }) ?? null;

const FILE_NAME = /^[\w.-]+\.js$/;

/** The manifest's sources have the size and time they were built from, and its files are whole. */
export function bundleCurrent(
  manifest: BundleManifest,
  root: URL,
  dir: URL,
  stat: StatOf = statOrNull,
): boolean {
  for (const [path, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const now = stat(new URL(path, root));
    if (now === null || now.size !== size || now.mtimeMs !== mtimeMs) return false;
  }
  for (const [name, size] of Object.entries(manifest.outputs))
    if (stat(new URL(name, dir))?.size !== size) return false;
  return true;
}

/** The manifest in `dir` (a path), or null when there is none or it is not one. */
export function readManifest(dir: string): BundleManifest | null {
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null) return null;
  const { format, entry, inputs, outputs } = m as Partial<BundleManifest>;
  if (format !== 1 || typeof entry !== "string" || !FILE_NAME.test(entry)) return null;
  if (typeof inputs !== "object" || inputs === null || Object.keys(inputs).length === 0) return null;
  for (const v of Object.values(inputs))
    if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === "number")) return null;
  if (typeof outputs !== "object" || outputs === null || typeof outputs[entry] !== "number") return null;
  for (const [name, size] of Object.entries(outputs))
    if (!FILE_NAME.test(name) || typeof size !== "number") return null;
  return m as BundleManifest;
}

/** The URL of the bundle's entry when the bundle in `root`'s build/ is current, else null. */
export function currentBundle(root: URL, stat: StatOf = statOrNull): URL | null {
  const dir = new URL(`${BUILD_DIR}/`, root);
  const manifest = readManifest(fileURLToPath(dir));
  if (manifest === null || !bundleCurrent(manifest, root, dir, stat)) return null;
  return new URL(manifest.entry, dir);
}

/**
 * The bundle's entry that `gram` under `root` runs from: the current bundle, or null for the
 * sources, which GRAM_SOURCES=1 asks for (stack traces then name them).
 */
export function bundleToRun(root: URL, env: NodeJS.ProcessEnv): URL | null {
  return env.GRAM_SOURCES === "1" ? null : currentBundle(root);
}
