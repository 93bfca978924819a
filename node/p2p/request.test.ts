// Request/response between real nodes on 127.0.0.1: answers, remote errors, caps on both
// sides, timeouts, unknown peers, a raw peer sending garbage, and close() with requests open.
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isP2PError, P2PError } from "./errors.ts";
import { peerIdOf } from "./identity.ts";
import { bytes, Cluster, seed, type TestNode, waitFor } from "./p2p.testkit.ts";

const ECHO = "/gram/test/echo/1";
const FAIL = "/gram/test/fail/1";
const BAD = "/gram/test/bad/1";
const SMALL = "/gram/test/small/1";
const BIG = "/gram/test/big/1";
const SLOW = "/gram/test/slow/1";

const caps = { maxRequestBytes: 1000, maxResponseBytes: 1000 };
/** The client's view: it believes SMALL takes 1000 bytes and BIG answers at most 1000. */
const clientProtocols = { [ECHO]: caps, [FAIL]: caps, [BAD]: caps, [SMALL]: caps, [BIG]: caps, [SLOW]: caps };
const serverProtocols = {
  ...clientProtocols,
  [SMALL]: { maxRequestBytes: 10, maxResponseBytes: 1000 },
  [BIG]: { maxRequestBytes: 1000, maxResponseBytes: 100_000 },
};

async function rejection(promise: Promise<unknown>): Promise<P2PError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof P2PError)) throw new Error(`expected a P2PError, got ${String(err)}`);
  return err;
}

describe("request/response", () => {
  const cluster = new Cluster();
  let server: TestNode;
  let client: TestNode;
  const seenFrom: string[] = [];

  beforeAll(async () => {
    server = await cluster.start({ name: "server", protocols: serverProtocols });
    client = await cluster.start({
      name: "client",
      protocols: clientProtocols,
      bootstrap: server.p2p.addresses,
    });
    server.p2p.handle(ECHO, async (data, from) => {
      seenFrom.push(from);
      return Uint8Array.from(data).reverse();
    });
    server.p2p.handle(SMALL, async (data) => data);
    server.p2p.handle(FAIL, async () => {
      throw new Error("no such block");
    });
    server.p2p.handle(BAD, async () => {
      throw new P2PError("P2P_BAD_REQUEST", "height is not a number");
    });
    server.p2p.handle(BIG, async () => new Uint8Array(50_000));
    server.p2p.handle(SLOW, () => new Promise<Uint8Array>(() => {}));
    await waitFor("client connected", () => client.p2p.peers().includes(server.p2p.peerId));
  });
  afterAll(() => cluster.closeAll());

  it("answers with the handler's bytes, which saw the requester's id", async () => {
    const answer = await client.p2p.request(server.p2p.peerId, ECHO, bytes("abc"), 5000);
    expect(new TextDecoder().decode(answer)).toBe("cba");
    expect(seenFrom.at(-1)).toBe(client.p2p.peerId);
    // Empty requests and answers are fine.
    expect((await client.p2p.request(server.p2p.peerId, ECHO, new Uint8Array(0), 5000)).length).toBe(0);
  });

  it("turns the remote handler's error into P2P_REMOTE with its message, without penalty", async () => {
    const before = server.p2p.score(client.p2p.peerId);
    const err = await rejection(client.p2p.request(server.p2p.peerId, FAIL, bytes("x"), 5000));
    expect(err.code).toBe("P2P_REMOTE");
    expect(err.message).toBe("no such block");
    expect(server.p2p.score(client.p2p.peerId)).toBe(before);
  });

  it("penalizes the requester when the handler calls it a bad request", async () => {
    const before = server.p2p.score(client.p2p.peerId);
    const err = await rejection(client.p2p.request(server.p2p.peerId, BAD, bytes("x"), 5000));
    expect(err.code).toBe("P2P_REMOTE");
    expect(err.message).toBe("height is not a number");
    expect(server.p2p.score(client.p2p.peerId)).toBeLessThanOrEqual(before - 19);
  });

  it("refuses an oversized request unread and penalizes the requester", async () => {
    const before = server.p2p.score(client.p2p.peerId);
    const err = await rejection(client.p2p.request(server.p2p.peerId, SMALL, new Uint8Array(500), 5000));
    expect(err.code).toBe("P2P_REMOTE");
    expect(err.message).toMatch(/over 10 bytes/);
    expect(server.p2p.score(client.p2p.peerId)).toBeLessThanOrEqual(before - 19);
    // Within the server's cap the same protocol answers.
    expect(await client.p2p.request(server.p2p.peerId, SMALL, bytes("ok"), 5000)).toEqual(bytes("ok"));
  });

  it("refuses a request over its own cap before sending it", async () => {
    const err = await rejection(client.p2p.request(server.p2p.peerId, ECHO, new Uint8Array(1001), 5000));
    expect(err.code).toBe("P2P_TOO_LARGE");
  });

  it("refuses an oversized response with P2P_TOO_LARGE and penalizes the responder", async () => {
    const before = client.p2p.score(server.p2p.peerId);
    const err = await rejection(client.p2p.request(server.p2p.peerId, BIG, bytes("x"), 5000));
    expect(err.code).toBe("P2P_TOO_LARGE");
    expect(client.p2p.score(server.p2p.peerId)).toBeLessThanOrEqual(before - 19);
  });

  it("gives P2P_TIMEOUT when the handler never answers", async () => {
    const err = await rejection(client.p2p.request(server.p2p.peerId, SLOW, bytes("x"), 300));
    expect(err.code).toBe("P2P_TIMEOUT");
    // The connection is still good for the next request.
    expect(await client.p2p.request(server.p2p.peerId, ECHO, bytes("ab"), 5000)).toEqual(bytes("ba"));
  });

  it("fails with a P2PError within the timeout for an unknown or malformed peer", async () => {
    const unknown = await rejection(client.p2p.request(peerIdOf(seed("nobody")), ECHO, bytes("x"), 2000));
    expect(["P2P_NO_PEER", "P2P_TIMEOUT"]).toContain(unknown.code);
    const malformed = await rejection(client.p2p.request("not-a-peer", ECHO, bytes("x"), 2000));
    expect(malformed.code).toBe("P2P_NO_PEER");
  });

  it("fails with P2P_NO_PEER for a protocol the peer does not serve", async () => {
    const other = "/gram/test/unserved/1";
    const node = await cluster.start({ name: "lonely", protocols: { [other]: caps } });
    const err = await rejection(node.p2p.request(server.p2p.peerId, other, bytes("x"), 2000));
    // It has never met the server, so it cannot even dial it.
    expect(err.code).toBe("P2P_NO_PEER");
  });

  describe("a raw peer sending garbage", () => {
    let raw: Libp2p;
    beforeAll(async () => {
      raw = await createLibp2p({
        addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
      });
    });
    afterAll(() => raw.stop());

    const frames: Array<[string, Uint8Array]> = [
      ["a length prefix that never ends", new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      ["a frame cut short", new Uint8Array([50, 1, 2, 3])],
      ["a length over the cap", new Uint8Array([0xe8, 0x87, 0x01])],
    ];

    it.each(frames)("survives %s and keeps serving others", async (_what, frame) => {
      const stream = await raw.dialProtocol(multiaddr(server.p2p.addresses[0]), ECHO, {
        signal: AbortSignal.timeout(5000),
      });
      const ended = new Promise<void>((resolve) => stream.addEventListener("close", () => resolve()));
      stream.send(frame);
      await stream.close({ signal: AbortSignal.timeout(5000) });
      // The server ends the stream: it neither waits forever nor crashes.
      await Promise.race([
        ended,
        new Promise((_, reject) => setTimeout(() => reject(new Error("stream never ended")), 5000)),
      ]);
      expect(await client.p2p.request(server.p2p.peerId, ECHO, bytes("still"), 5000)).toEqual(bytes("llits"));
    });

    it("penalized the raw peer for its malformed frames", () => {
      expect(server.p2p.score(raw.peerId.toString())).toBeLessThan(0);
    });

    it("survives a peer that hangs up mid-stream", async () => {
      const stream = await raw.dialProtocol(multiaddr(server.p2p.addresses[0]), ECHO, {
        signal: AbortSignal.timeout(5000),
      });
      stream.send(new Uint8Array([100, 1, 2]));
      stream.abort(new Error("gone"));
      expect(await client.p2p.request(server.p2p.peerId, ECHO, bytes("ok"), 5000)).toEqual(bytes("ko"));
    });
  });
});

describe("close()", () => {
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  it("rejects requests in flight and later calls with P2P_CLOSED", async () => {
    const server = await cluster.start({ name: "server", protocols: { [SLOW]: caps } });
    const client = await cluster.start({
      name: "client",
      protocols: { [SLOW]: caps },
      topics: { t: { maxBytes: 10 } },
      bootstrap: server.p2p.addresses,
    });
    server.p2p.handle(SLOW, () => new Promise<Uint8Array>(() => {}));
    await waitFor("client connected", () => client.p2p.peers().includes(server.p2p.peerId));
    const inFlight = rejection(client.p2p.request(server.p2p.peerId, SLOW, bytes("x"), 20_000));
    await client.p2p.close();
    expect((await inFlight).code).toBe("P2P_CLOSED");
    expect((await rejection(client.p2p.request(server.p2p.peerId, SLOW, bytes("x"), 1000))).code).toBe(
      "P2P_CLOSED",
    );
    expect(isP2PError(await client.p2p.publish("t", bytes("x")).catch((e: unknown) => e), "P2P_CLOSED")).toBe(
      true,
    );
    // close() twice is fine.
    await client.p2p.close();
  });
});
