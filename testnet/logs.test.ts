import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { followFiles, tailLines } from "./logs.ts";

describe("node logs", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gram-logs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("the tail is the last whole lines; a missing file has none", async () => {
    const file = join(dir, "node.log");
    expect(await tailLines(file, 5)).toEqual({ lines: [], size: 0 });
    await writeFile(file, "a\nb\nc\n");
    expect(await tailLines(file, 2)).toEqual({ lines: ["b", "c"], size: 6 });
    expect((await tailLines(file, 10)).lines).toEqual(["a", "b", "c"]);
    expect((await tailLines(file, 0)).lines).toEqual([]);
    await expect(tailLines(file, -1)).rejects.toThrow(RangeError);
  });

  test("follow prints whole lines appended to each file, in order, until aborted", async () => {
    const files = [join(dir, "0.log"), join(dir, "1.log")];
    await writeFile(files[0], "old\n");
    await writeFile(files[1], "");
    const seen: string[] = [];
    const controller = new AbortController();
    const done = followFiles(
      files.map((file, i) => ({ file, offset: i === 0 ? 4 : 0 })),
      (i, line) => {
        seen.push(`${i}:${line}`);
        if (seen.length === 3) controller.abort();
      },
      controller.signal,
      10,
    );
    await appendFile(files[0], "one\ntw");
    await appendFile(files[1], "x\n");
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(files[0], "o\n");
    const timer = setTimeout(() => controller.abort(), 10_000);
    await done;
    clearTimeout(timer);
    expect(seen.filter((l) => l.startsWith("0:"))).toEqual(["0:one", "0:two"]);
    expect(seen).toContain("1:x");
  });
});
