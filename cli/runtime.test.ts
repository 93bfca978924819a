import { describe, expect, test } from "vitest";
import { missingFlags, nodeRuntimeFlags } from "./runtime.ts";

describe("the node's V8 settings", () => {
  test("GC helpers fill the cores beside the main thread, at least one and at most V8's four", () => {
    const pool = (cores: number) => nodeRuntimeFlags(cores).find((f) => f.startsWith("--v8-pool-size="));
    expect(pool(1)).toBe("--v8-pool-size=1");
    expect(pool(2)).toBe("--v8-pool-size=1");
    expect(pool(3)).toBe("--v8-pool-size=2");
    expect(pool(16)).toBe("--v8-pool-size=4");
    expect(nodeRuntimeFlags(2)).toContain("--max-semi-space-size=64");
  });

  test("a flag the process already has, on its command line or in NODE_OPTIONS, is not added again", () => {
    const wanted = ["--max-semi-space-size=64", "--v8-pool-size=1"];
    expect(missingFlags(wanted, [], "")).toEqual(wanted);
    expect(missingFlags(wanted, ["--max-semi-space-size=32"], "")).toEqual(["--v8-pool-size=1"]);
    expect(missingFlags(wanted, [], "--v8-pool-size=3  --max_semi_space_size=8")).toEqual([]);
    expect(missingFlags(wanted, ["--import", "x.mjs"], "--max-old-space-size=4096")).toEqual(wanted);
  });
});
