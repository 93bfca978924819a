// Messages near the largest size the node uses (blocks up to ~17 MiB) go through both gossip and
// request/response: past libp2p's 4 MiB defaults on the sending and the receiving side.
import { afterEach, expect, it } from "vitest";
import { Cluster, waitFor, warmUp } from "./p2p.testkit.ts";

const MiB = 1024 * 1024;
const LARGE = 17 * MiB;
const topics = { "/gram/test/large": { maxBytes: LARGE } };
const protocols = { "/gram/test/large/1": { maxRequestBytes: LARGE, maxResponseBytes: LARGE } };

const cluster = new Cluster();
afterEach(() => cluster.closeAll());

it("carries a 17 MiB gossip message and a 17 MiB request and response", async () => {
  const a = await cluster.start({ name: "A", topics, protocols });
  const b = await cluster.start({ name: "B", topics, protocols, bootstrap: a.p2p.addresses });
  const received: Uint8Array[] = [];
  a.p2p.subscribe("/gram/test/large", (data) => {
    received.push(data);
    return "accept";
  });
  a.p2p.handle("/gram/test/large/1", async (data) => new Uint8Array(data.length).fill(data[0] + 1));
  await warmUp(b.p2p, "/gram/test/large", [() => received.length > 0]);

  const block = new Uint8Array(LARGE).fill(7);
  expect(await b.p2p.publish("/gram/test/large", block)).toBe(1);
  await waitFor("the large message", () => received.some((m) => m.length === LARGE), 20_000);
  const got = received.find((m) => m.length === LARGE)!;
  expect(got[0]).toBe(7);
  expect(got[LARGE - 1]).toBe(7);

  const answer = await b.p2p.request(a.p2p.peerId, "/gram/test/large/1", block, 20_000);
  expect(answer.length).toBe(LARGE);
  expect(answer[LARGE - 1]).toBe(8);
  // Nothing went wrong on the way that was only logged.
  expect(a.logs().filter((l) => (l.level as number) >= 40)).toEqual([]);
});
