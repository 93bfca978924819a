import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// `npm ci` refuses a lock file that lacks any optional dependency named by a locked package, even
// one built for another platform. The registry this project installs from does not serve every
// platform build, so `npm install` can silently leave such entries out; CI would then stop before
// the first test. Each entry must be present, with os/cpu set so no other platform fetches it.
type LockEntry = { optionalDependencies?: Record<string, string>; os?: string[]; cpu?: string[] };

describe("package-lock.json", () => {
  const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8")) as {
    packages: Record<string, LockEntry>;
  };

  it("names every optional dependency of every locked package", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path ? `${path}/` : ""}node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`])
          missing.push(`${path} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("limits each platform build to its os and cpu", () => {
    const unbounded = Object.entries(lock.packages)
      .filter(([path]) => /-(android|darwin|linux|win32)-(arm64|x64|arm)(-musl)?$/.test(path))
      .filter(([, entry]) => !entry.os?.length || !entry.cpu?.length)
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });
});
