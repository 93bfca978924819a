// The addresses the node listens on, dials and trusts, from the plain strings of its options.
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { BootstrapTarget } from "./bootstrap.ts";

export function listenAddress(host: string, port: number): string {
  return host.includes(":") ? `/ip6/${host}/tcp/${port}` : `/ip4/${host}/tcp/${port}`;
}

/** Each bootstrap entry must name its peer (/p2p/<id>): that is who we keep connected to. */
export function parseBootstrap(entries: readonly string[]): BootstrapTarget[] {
  return entries.map((address) => {
    let components: ReturnType<ReturnType<typeof multiaddr>["getComponents"]>;
    try {
      components = multiaddr(address).getComponents();
    } catch (err) {
      throw new TypeError(`options.bootstrap: not a multiaddr: ${JSON.stringify(address)}`, { cause: err });
    }
    const peer = components.find((c) => c.name === "p2p")?.value;
    if (peer === undefined) {
      throw new TypeError(`options.bootstrap: ${JSON.stringify(address)} has no /p2p/<peer id>`);
    }
    try {
      peerIdFromString(peer);
    } catch (err) {
      throw new TypeError(`options.bootstrap: ${JSON.stringify(address)} names no valid peer id`, {
        cause: err,
      });
    }
    return { peer, address };
  });
}

/**
 * The connection manager's allow list: loopback, our own host and the bootstrap peers' hosts.
 * Those are the known validators; everyone else gets libp2p's default rate limits.
 */
export function allowList(host: string, targets: readonly BootstrapTarget[]): string[] {
  const hosts = new Set<string>();
  const add = (ip: string, family: "ip4" | "ip6") => {
    if (ip === "0.0.0.0" || ip === "::") return;
    hosts.add(family === "ip4" ? `/ip4/${ip}/ipcidr/32` : `/ip6/${ip}/ipcidr/128`);
  };
  hosts.add("/ip4/127.0.0.0/ipcidr/8");
  hosts.add("/ip6/::1/ipcidr/128");
  add(host, host.includes(":") ? "ip6" : "ip4");
  for (const { address } of targets) {
    for (const c of multiaddr(address).getComponents()) {
      if ((c.name === "ip4" || c.name === "ip6") && c.value !== undefined) add(c.value, c.name);
    }
  }
  return [...hosts];
}
