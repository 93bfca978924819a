// Free TCP ports on loopback for nodes to listen on: the OS picks one, or a base port whose whole
// range a network needs is checked, and released before the nodes bind it, so tests and
// benchmarks never collide on a fixed number.
import { createServer } from "node:net";
import { P2P_PORT_OFFSET, portsOf } from "./options.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Whether a server could listen on `host:port` now. */
export async function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * A base port whose RPC and p2p ports for `nodes` nodes (validators and spares) are all free now. It is drawn below
 * Linux's ephemeral range (32768..), where the OS does not hand out ports to outgoing connections.
 */
export async function freeBasePort(nodes: number, attempts = 100): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 10_000 + Math.floor(Math.random() * (32_768 - 10_000 - P2P_PORT_OFFSET - nodes));
    const ports = Array.from({ length: nodes }, (_, n) => portsOf(base, n)).flatMap((p) => [p.rpc, p.p2p]);
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) return base;
  }
  throw new Error(`no free range of ports for ${nodes} nodes after ${attempts} attempts`);
}
