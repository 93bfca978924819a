// Wallet files on disk: the directory private to the user (0700), each file written whole to a
// temporary name, flushed, then published under its name in one step, readable by the owner only
// (0600). A crash leaves either no wallet or a complete one, never half a file.
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  // mkdir's mode passes through the umask and leaves an existing directory alone.
  await chmod(dir, DIR_MODE);
}

/**
 * Writes `text` to `path` unless a file is already there (then returns false). The file is
 * published with link(2), which refuses an existing name atomically, so two processes creating
 * the same wallet cannot overwrite each other; where links are not supported, rename(2) after a
 * check.
 */
export async function writeNewFileAtomic(path: string, text: string): Promise<boolean> {
  const dir = join(path, "..");
  const temp = join(dir, `.${randomBytes(8).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", FILE_MODE);
  try {
    try {
      await handle.writeFile(text, "utf8");
      await handle.chmod(FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!(await publish(temp, path))) return false;
    await syncDir(dir);
    return true;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function publish(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if (errno(err) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "ENOSYS", "EXDEV"].includes(errno(err) ?? "")) throw err;
  }
  if (await exists(path)) return false;
  await rename(temp, path);
  return true;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the file itself is already on disk.
  } finally {
    await handle.close();
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errno(err) === "ENOENT") return false;
    throw err;
  }
}

/** The file's text, or undefined when there is none; refuses files over `maxBytes`. */
export async function readSmallFile(
  path: string,
  maxBytes: number,
): Promise<string | "too large" | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return undefined;
    throw err;
  }
  try {
    if ((await handle.stat()).size > maxBytes) return "too large";
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** File names in `dir`, none when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errno(err) === "ENOENT") return [];
    throw err;
  }
}

function errno(err: unknown): string | undefined {
  return typeof err === "object" && err !== null ? ((err as { code?: string }).code ?? undefined) : undefined;
}
