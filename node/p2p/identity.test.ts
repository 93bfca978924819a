// peerIdOf agrees with libp2p's own ed25519 derivation from the seed, and with a started node.
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { afterEach, describe, expect, it } from "vitest";
import { peerIdOf } from "./identity.ts";
import { Cluster, seed } from "./p2p.testkit.ts";

const cluster = new Cluster();
afterEach(() => cluster.closeAll());

describe("peerIdOf", () => {
  it("matches libp2p's generateKeyPairFromSeed", async () => {
    for (const name of ["a", "b", "validator-7"]) {
      const key = await generateKeyPairFromSeed("Ed25519", seed(name));
      expect(peerIdOf(seed(name))).toBe(peerIdFromPrivateKey(key).toString());
    }
  });

  it("is stable, distinct per seed, and an ed25519 id", () => {
    expect(peerIdOf(seed("a"))).toBe(peerIdOf(seed("a")));
    expect(peerIdOf(seed("a"))).not.toBe(peerIdOf(seed("b")));
    expect(peerIdOf(seed("a"))).toMatch(/^12D3KooW/);
  });

  it("refuses a seed that is not 32 bytes", () => {
    expect(() => peerIdOf(new Uint8Array(31))).toThrow(TypeError);
  });

  it("equals the peer id of a node started with that key", async () => {
    const node = await cluster.start({ name: "identity" });
    expect(node.p2p.peerId).toBe(peerIdOf(seed("identity")));
  });
});
