import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  MANIFEST_FILE,
  parseManifest,
  readManifest,
  type TestnetManifest,
  withoutPids,
  writeManifest,
} from "./manifest.ts";

const manifest = (): TestnetManifest => ({
  nodes: [
    { index: 0, rpc: "http://127.0.0.1:8645", pid: 101, dataDir: "/n/node-0" },
    { index: 1, rpc: "http://127.0.0.1:8646", pid: 102, dataDir: "/n/node-1" },
  ],
  startedAt: "2030-01-01T00:00:00.000Z",
  supervisor: 100,
});

describe("testnet.json", () => {
  test("round trip through the file, written whole with nothing left beside it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-manifest-"));
    try {
      expect(await readManifest(dir)).toBeNull();
      await writeManifest(dir, manifest());
      expect(await readManifest(dir)).toEqual(manifest());
      expect(await readdir(dir)).toEqual([MANIFEST_FILE]);
      await writeFile(join(dir, MANIFEST_FILE), "{not json");
      await expect(readManifest(dir)).rejects.toMatchObject({
        code: "TESTNET_BAD_MANIFEST",
        message: /not JSON.*--reset/,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a stopped process's pid is null; an older file without a supervisor reads as none", () => {
    const m = withoutPids(manifest(), new Set([100, 102]));
    expect(m.supervisor).toBeNull();
    expect(m.nodes.map((n) => n.pid)).toEqual([101, null]);
    const { supervisor: _, ...old } = manifest();
    expect(parseManifest(old).supervisor).toBeNull();
  });

  test("a node's validator key is kept when there, and a file without it (an older Gram's) still reads", () => {
    const key = "ab".repeat(32);
    const withKey = { ...manifest(), nodes: [{ ...manifest().nodes[0], validatorKey: key.toUpperCase() }] };
    expect(parseManifest(JSON.parse(JSON.stringify(withKey))).nodes[0].validatorKey).toBe(key);
    const old = parseManifest(JSON.parse(JSON.stringify(manifest())));
    expect(old.nodes[0]).toEqual(manifest().nodes[0]);
    expect("validatorKey" in old.nodes[0]).toBe(false);
  });

  test("malformed documents are refused with the field", () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ ...manifest(), nodes: {} }, /"nodes" must be a list/],
      [{ ...manifest(), startedAt: 5 }, /startedAt/],
      [{ ...manifest(), supervisor: -1 }, /supervisor/],
      [{ ...manifest(), nodes: [{ ...manifest().nodes[1] }] }, /nodes\[0\]\.index must be 0/],
      [{ ...manifest(), nodes: [{ ...manifest().nodes[0], pid: 1.5 }] }, /nodes\[0\]\.pid/],
      [{ ...manifest(), nodes: [{ ...manifest().nodes[0], rpc: 1 }] }, /nodes\[0\]\.rpc/],
      [{ ...manifest(), nodes: [{ ...manifest().nodes[0], dataDir: null }] }, /nodes\[0\]\.dataDir/],
      [
        { ...manifest(), nodes: [{ ...manifest().nodes[0], validatorKey: "ab" }] },
        /nodes\[0\]\.validatorKey/,
      ],
    ];
    for (const [doc, message] of cases)
      expect(() => parseManifest(doc), JSON.stringify(doc)).toThrow(message);
  });
});
