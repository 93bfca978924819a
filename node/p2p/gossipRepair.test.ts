import { describe, expect, it } from "vitest";
import { GOSSIP_GRACE_MS, lostToGossip } from "./gossipRepair.ts";

describe("lostToGossip", () => {
  const now = 100_000;
  const old = now - GOSSIP_GRACE_MS;

  it("names a peer connected past the grace whose stream is dead", () => {
    expect(lostToGossip([{ peer: "B", openedAt: old }], (p) => p === "B", now)).toEqual(["B"]);
  });

  it("leaves peers with live streams and peers still within the grace", () => {
    const connections = [
      { peer: "A", openedAt: old },
      { peer: "B", openedAt: now - GOSSIP_GRACE_MS + 1 },
    ];
    expect(lostToGossip(connections, (p) => p === "B", now)).toEqual([]);
  });

  it("counts a peer's newest connection, and names each peer once, in order", () => {
    const connections = [
      { peer: "D", openedAt: old - 5 },
      { peer: "B", openedAt: old - 10 },
      { peer: "B", openedAt: now - 1 },
      { peer: "D", openedAt: old },
    ];
    expect(lostToGossip(connections, () => true, now)).toEqual(["D"]);
  });
});
