// Bad options are refused at start-up with a message naming the option; the redial backoff
// stays within its bounds.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { backoffMs } from "./bootstrap.ts";
import { allowList, parseBootstrap } from "./multiaddrs.ts";
import { REDIAL_BASE_MS, REDIAL_MAX_MS, resolveOptions } from "./options.ts";
import { seed } from "./p2p.testkit.ts";
import { startP2P } from "./p2p.ts";

const base = {
  nodeKey: seed("options"),
  host: "127.0.0.1",
  port: 0,
  bootstrap: [],
  topics: {},
  protocols: {},
};
const id = "12D3KooWJDYREnU1rcXciLVbkCxaVqQY1LmoSZq4AndNAw7K9pfL";

describe("options", () => {
  it("fills in the ban defaults", () => {
    expect(resolveOptions(base)).toMatchObject({ banScore: -100, banMs: 60_000 });
  });

  it.each([
    [{ nodeKey: new Uint8Array(16) }, /nodeKey/],
    [{ host: "" }, /host/],
    [{ port: 70000 }, /port/],
    [{ topics: { t: { maxBytes: 0 } } }, /maxBytes/],
    [{ protocols: { "no-slash": { maxRequestBytes: 1, maxResponseBytes: 1 } } }, /protocol id/],
    [{ protocols: { "/p/1": { maxRequestBytes: 1.5, maxResponseBytes: 1 } } }, /maxRequestBytes/],
    [{ banScore: 5 }, /banScore/],
    [{ banMs: -1 }, /banMs/],
  ])("refuses %o", (bad, message) => {
    expect(() => resolveOptions({ ...base, ...bad })).toThrow(message);
  });

  it("refuses bootstrap entries without a peer id before listening", async () => {
    await expect(
      startP2P({ ...base, bootstrap: ["/ip4/127.0.0.1/tcp/1"] }, { logger: pino({ level: "silent" }) }),
    ).rejects.toThrow(/no \/p2p/);
    expect(() => parseBootstrap(["not a multiaddr"])).toThrow(TypeError);
    expect(() => parseBootstrap(["/ip4/127.0.0.1/tcp/1/p2p/QmAAA"])).toThrow(/no valid peer id/);
  });

  it("parses bootstrap peers and allows loopback and their hosts", () => {
    const targets = parseBootstrap([`/ip4/10.1.2.3/tcp/9001/p2p/${id}`]);
    expect(targets).toEqual([{ peer: id, address: `/ip4/10.1.2.3/tcp/9001/p2p/${id}` }]);
    expect(allowList("0.0.0.0", targets)).toEqual([
      "/ip4/127.0.0.0/ipcidr/8",
      "/ip6/::1/ipcidr/128",
      "/ip4/10.1.2.3/ipcidr/32",
    ]);
  });

  it("backs redials off from the base to the cap and no further", () => {
    expect(backoffMs(1)).toBe(REDIAL_BASE_MS);
    expect(backoffMs(2)).toBe(REDIAL_MAX_MS);
    expect(backoffMs(50)).toBe(REDIAL_MAX_MS);
  });
});
