// A node stopped and started again with the same key and port is found again by the nodes that
// bootstrap it and finds the ones it bootstraps, and gossip flows as before.
import { afterEach, expect, it } from "vitest";
import { Cluster, waitFor, warmUp } from "./p2p.testkit.ts";

const TOPIC = "/gram/test/blocks";
const topics = { [TOPIC]: { maxBytes: 1024 } };

const cluster = new Cluster();
afterEach(() => cluster.closeAll());

it("a restarted node is reconnected within a bounded wait and gossip flows again", async () => {
  const a = await cluster.start({ name: "A", topics });
  let b = await cluster.start({ name: "B", topics, bootstrap: a.p2p.addresses });
  // C bootstraps both, so it must redial B after the restart; B redials A itself.
  const c = await cluster.start({ name: "C", topics, bootstrap: [...a.p2p.addresses, ...b.p2p.addresses] });
  const port = Number(/\/tcp\/(\d+)\//.exec(b.p2p.addresses[0])![1]);
  const bId = b.p2p.peerId;

  const atA: string[] = [];
  const atC: string[] = [];
  a.p2p.subscribe(TOPIC, (data, from) => {
    if (from === bId) atA.push(new TextDecoder().decode(data));
    return "accept";
  });
  c.p2p.subscribe(TOPIC, (data, from) => {
    if (from === bId) atC.push(new TextDecoder().decode(data));
    return "accept";
  });
  const disconnects: string[] = [];
  a.p2p.onPeer((peer, connected) => {
    if (!connected) disconnects.push(peer);
  });
  await waitFor("the three connected", () => a.p2p.peers().length === 2 && c.p2p.peers().length === 2);

  await cluster.stop(b.p2p);
  await waitFor("A and C to see B gone", () => !a.p2p.peers().includes(bId) && !c.p2p.peers().includes(bId));
  expect(disconnects).toContain(bId);

  b = await cluster.start({ name: "B", topics, port, bootstrap: a.p2p.addresses });
  expect(b.p2p.peerId).toBe(bId);
  b.p2p.subscribe(TOPIC, () => "accept");
  await waitFor(
    "A and C to see B again",
    () => a.p2p.peers().includes(bId) && c.p2p.peers().includes(bId),
    5000,
  );
  // A router that kept its stream of B's old connection is mended by a hang-up and a redial
  // (gossipRepair.ts): a few seconds more.
  await warmUp(b.p2p, TOPIC, [() => atA.length > 0, () => atC.length > 0], 15_000);
  expect(atA[0]).toMatch(/^warm-up/);
  expect(atC[0]).toMatch(/^warm-up/);
});
