import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_CONSENSUS, parseNodeConfig, readNodeConfig } from "./nodeConfig.ts";

describe("node.json", () => {
  test("absent settings take their defaults; given ones are kept", () => {
    const c = parseNodeConfig({
      rpc: { port: 9000 },
      p2p: { port: 9100, bootstrap: ["/ip4/127.0.0.1/tcp/9101/p2p/12D3KooWAbc"] },
      consensus: { proposeMs: 5_000 },
    });
    expect(c.rpc).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(c.p2p).toEqual({
      host: "127.0.0.1",
      port: 9100,
      bootstrap: ["/ip4/127.0.0.1/tcp/9101/p2p/12D3KooWAbc"],
    });
    expect(c.consensus).toEqual({ ...DEFAULT_CONSENSUS, proposeMs: 5_000 });
  });

  test.each([
    [[], "(root) must be an object"],
    [{ port: 1 }, "(root).port is not a setting"],
    [{ rpc: { port: 70_000 } }, "rpc.port must be an integer from 0 to 65535"],
    [{ rpc: { host: "" } }, "rpc.host must be a host name or address"],
    [{ p2p: { bootstrap: ["127.0.0.1:9000"] } }, "p2p.bootstrap[0] must be a multiaddr"],
    [{ p2p: { bootstrap: "x" } }, "p2p.bootstrap must be a list"],
    [{ consensus: { proposeMs: 0 } }, "consensus.proposeMs must be an integer from 1"],
    [{ consensus: { maxRoundMessages: 0 } }, "consensus.maxRoundMessages must be an integer from 1"],
    [{ consensus: { maxRoundMessages: 2.5 } }, "consensus.maxRoundMessages must be an integer from 1"],
    [{ consensus: { slowMs: 1 } }, "consensus.slowMs is not a setting"],
    [{ consensus: { idleBlockIntervalMs: 5_000 } }, "must be below consensus.proposeMs"],
  ])("%j is refused: %s", (doc, why) => {
    expect(() => parseNodeConfig(doc, "node.json")).toThrow(
      expect.objectContaining({ code: "CHAIN_CONFIG_INVALID", message: expect.stringContaining(why) }),
    );
  });

  test("a directory without node.json runs with the defaults; one that is not JSON is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gram-nodeconfig-"));
    try {
      expect((await readNodeConfig(dir)).consensus).toEqual(DEFAULT_CONSENSUS);
      await writeFile(join(dir, "node.json"), "{not json");
      await expect(readNodeConfig(dir)).rejects.toMatchObject({
        code: "CHAIN_CONFIG_INVALID",
        message: expect.stringContaining("is not JSON"),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
