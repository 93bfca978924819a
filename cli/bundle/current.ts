// Whether the bundle in build/ (build.ts) holds the sources as they are now. `gram` runs from it
// only then: a node starts in about a third of the time when it loads a few files instead of a
// thousand modules, but a source edited or a dependency installed since the build must never be
// shadowed by older code. Anything else (no build, a manifest that does not parse, a file changed,
// gone or added to the dependencies) means the sources, which are always right.
import { readFileSync, statSync } from "node:fs";

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
  /** The files of the build, kept through the next build for the processes still running it. */
  files: string[];
}

export const BUILD_DIR = "build";
export const MANIFEST = "manifest.json";

export type StatOf = (path: URL) => { size: number; mtimeMs: number } | null;

const statOrNull: StatOf = (path) => statSync(path, { throwIfNoEntry: false }) ?? null;

/** The manifest's inputs all have the size and time they were built from. */
export function inputsCurrent(manifest: BundleManifest, root: URL, stat: StatOf = statOrNull): boolean {
  for (const [path, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const now = stat(new URL(path, root));
    if (now === null || now.size !== size || now.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

function parseManifest(text: string): BundleManifest | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null) return null;
  const { format, entry, inputs } = m as Partial<BundleManifest>;
  if (format !== 1 || typeof entry !== "string" || !/^[\w.-]+\.js$/.test(entry)) return null;
  if (typeof inputs !== "object" || inputs === null || Object.keys(inputs).length === 0) return null;
  for (const v of Object.values(inputs))
    if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === "number")) return null;
  return m as BundleManifest;
}

/** The URL of the bundle's entry when the bundle in `root`'s build/ is current, else null. */
export function currentBundle(root: URL, stat: StatOf = statOrNull): URL | null {
  const dir = new URL(`${BUILD_DIR}/`, root);
  let text: string;
  try {
    text = readFileSync(new URL(MANIFEST, dir), "utf8");
  } catch {
    return null;
  }
  const manifest = parseManifest(text);
  if (manifest === null || !inputsCurrent(manifest, root, stat)) return null;
  return new URL(manifest.entry, dir);
}
