// Gossip between real nodes on 127.0.0.1: delivery, resends, handler verdicts, size caps, bans.
import { afterEach, describe, expect, it } from "vitest";
import { isP2PError } from "./errors.ts";
import { peerIdOf } from "./identity.ts";
import { bytes, Cluster, seed, sleep, waitFor, warmUp } from "./p2p.testkit.ts";

const TOPIC = "/gram/test/votes";
const topics = { [TOPIC]: { maxBytes: 1024 } };

interface Received {
  data: Uint8Array;
  from: string;
}

const cluster = new Cluster();
afterEach(() => cluster.closeAll());

const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("gossip", () => {
  it("reaches every node with the same bytes from the peer that passed it on, and a resend of identical bytes arrives again", async () => {
    const a = await cluster.start({ name: "A", topics });
    expect(a.p2p.peerId).toBe(peerIdOf(seed("A")));
    expect(a.p2p.addresses.length).toBeGreaterThan(0);
    for (const address of a.p2p.addresses) expect(address).toMatch(new RegExp(`/p2p/${a.p2p.peerId}$`));
    const b = await cluster.start({ name: "B", topics, bootstrap: a.p2p.addresses });
    const c = await cluster.start({ name: "C", topics, bootstrap: a.p2p.addresses });

    const got = new Map<string, Received[]>([
      ["A", []],
      ["B", []],
      ["C", []],
    ]);
    for (const [name, node] of [
      ["A", a],
      ["B", b],
      ["C", c],
    ] as const) {
      node.p2p.subscribe(TOPIC, (data, from) => {
        got.get(name)!.push({ data: Uint8Array.from(data), from });
        return "accept";
      });
    }
    await waitFor("A to see B and C", () => a.p2p.peers().length === 2);
    expect(a.p2p.peers()).toEqual([b.p2p.peerId, c.p2p.peerId].sort());

    // C reaches A directly and B only through A's forwarding.
    const warm = (name: string) => () => got.get(name)!.some((m) => text(m.data).startsWith("warm-up"));
    await warmUp(c.p2p, TOPIC, [warm("A"), warm("B")]);

    const payload = bytes("vote: round 7, block 0xabc");
    const isPayload = (m: Received) => text(m.data) === text(payload);
    expect(await c.p2p.publish(TOPIC, payload)).toBeGreaterThanOrEqual(1);
    expect(await c.p2p.publish(TOPIC, payload)).toBeGreaterThanOrEqual(1);
    await waitFor("both copies at A and B", () =>
      ["A", "B"].every((n) => got.get(n)!.filter(isPayload).length === 2),
    );
    // Gossip is unsigned: a handler hears of the peer it came through, C itself at A, A at B.
    for (const [name, via] of [
      ["A", c.p2p.peerId],
      ["B", a.p2p.peerId],
    ]) {
      for (const m of got.get(name)!.filter(isPayload)) {
        expect(m.data).toEqual(payload);
        expect(m.from).toBe(via);
      }
    }
    // Own messages never reach one's own handler.
    expect(got.get("C")!.length).toBe(0);
  });

  it("publishing with no peers is not an error and reaches nobody", async () => {
    const a = await cluster.start({ name: "A", topics });
    expect(await a.p2p.publish(TOPIC, bytes("alone"))).toBe(0);
  });

  it("a handler that throws counts as ignore and the node keeps receiving", async () => {
    const a = await cluster.start({ name: "A", topics });
    const b = await cluster.start({ name: "B", topics, bootstrap: a.p2p.addresses });
    const seen: string[] = [];
    a.p2p.subscribe(TOPIC, (data) => {
      seen.push(text(data));
      if (text(data) === "boom") throw new Error("handler bug");
      return "accept";
    });
    b.p2p.subscribe(TOPIC, () => "accept");
    await warmUp(b.p2p, TOPIC, [() => seen.length > 0]);
    await b.p2p.publish(TOPIC, bytes("boom"));
    await b.p2p.publish(TOPIC, bytes("after"));
    await waitFor("the message after the throw", () => seen.includes("after"));
    expect(seen).toContain("boom");
    expect(a.p2p.score(b.p2p.peerId)).toBe(0);
    expect(
      a.logs().some((l) => l.msg === "gossip handler threw; message ignored" && l.module === "p2p"),
    ).toBe(true);
  });

  it("refuses oversized gossip before the handler and penalizes the sender", async () => {
    const a = await cluster.start({ name: "A", topics: { [TOPIC]: { maxBytes: 100 } } });
    // B's own cap is larger, so B sends what A refuses.
    const b = await cluster.start({
      name: "B",
      topics: { [TOPIC]: { maxBytes: 1000 } },
      bootstrap: a.p2p.addresses,
    });
    const sizes: number[] = [];
    a.p2p.subscribe(TOPIC, (data) => {
      sizes.push(data.length);
      return "accept";
    });
    await warmUp(b.p2p, TOPIC, [() => sizes.length > 0]);
    await b.p2p.publish(TOPIC, new Uint8Array(500));
    await waitFor("A to penalize B", () => a.p2p.score(b.p2p.peerId) < 0);
    await b.p2p.publish(TOPIC, bytes("small after"));
    await waitFor("the small message after", () => sizes.includes(11));
    expect(sizes.every((n) => n <= 100)).toBe(true);
    expect(a.p2p.score(b.p2p.peerId)).toBeLessThanOrEqual(-19);
    // A's own publish over its cap is refused locally.
    const err = await a.p2p.publish(TOPIC, new Uint8Array(101)).catch((e: unknown) => e);
    expect(isP2PError(err, "P2P_TOO_LARGE")).toBe(true);
  });

  it("a reject lowers the sender's score; past banScore it is cut off for the ban, then let back", async () => {
    const banMs = 4000;
    const a = await cluster.start({ name: "A", topics, banScore: -25, banMs });
    const b = await cluster.start({ name: "B", topics, bootstrap: a.p2p.addresses });
    let rejected = 0;
    a.p2p.subscribe(TOPIC, () => {
      rejected++;
      return "reject";
    });
    b.p2p.subscribe(TOPIC, () => "accept");
    await warmUp(b.p2p, TOPIC, [() => rejected > 0]);
    // The ban cannot have started before this moment, so it lasts at least until banStart + banMs.
    const banStart = Date.now();
    const score = a.p2p.score(b.p2p.peerId);
    expect(score).toBeLessThan(0);
    expect(score).toBeGreaterThanOrEqual(-10 * rejected);

    for (let i = 0; a.p2p.peers().includes(b.p2p.peerId); i++) {
      if (i > 100) throw new Error("B was never banned");
      await b.p2p.publish(TOPIC, bytes(`bad ${i}`)).catch(() => 0);
      await sleep(20);
    }
    await waitFor("B to see A hang up", () => !b.p2p.peers().includes(a.p2p.peerId));
    const banned = a.logs().find((l) => l.msg === "peer banned");
    expect(banned).toMatchObject({ module: "p2p", peer: b.p2p.peerId });
    expect(typeof banned?.reason).toBe("string");

    // B keeps redialling A (every ≤ 1 s) but A refuses it while the ban lasts.
    const watchUntil = banStart + banMs - 300;
    expect(watchUntil - Date.now()).toBeGreaterThan(1000);
    while (Date.now() < watchUntil) {
      expect({ a: a.p2p.peers(), b: b.p2p.peers() }).toEqual({ a: [], b: [] });
      await sleep(20);
    }
    // The gater refused those redials; B did try.
    expect(b.logs().some((l) => l.msg === "dial failed" && l.peer === a.p2p.peerId)).toBe(true);
    // After the ban B's redial gets through again, with a fresh score.
    await waitFor("B back at A after the ban", () => a.p2p.peers().includes(b.p2p.peerId), banMs + 5000);
    expect(a.p2p.score(b.p2p.peerId)).toBe(0);
  });
});
