// Real p2p nodes on 127.0.0.1 for the p2p tests: keys from string seeds, free ports, log lines
// kept, every node started through a Cluster so one close() in afterEach stops them all.
import { pino } from "pino";
import { sha256 } from "../crypto/index.ts";
import type { P2P } from "./interface.ts";
import type { P2POptions } from "./options.ts";
import { startP2P } from "./p2p.ts";

export function seed(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(`p2p test node ${name}`));
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export interface TestNode {
  p2p: P2P;
  /** The node's log lines so far, parsed. */
  logs(): Array<Record<string, unknown>>;
}

export type NodeOptions = Partial<P2POptions> & { name: string };

export class Cluster {
  readonly #running = new Set<P2P>();

  async start(options: NodeOptions): Promise<TestNode> {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    const { name, ...rest } = options;
    const p2p = await startP2P(
      { nodeKey: seed(name), host: "127.0.0.1", port: 0, bootstrap: [], topics: {}, protocols: {}, ...rest },
      { logger },
    );
    this.#running.add(p2p);
    return { p2p, logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  }

  async stop(p2p: P2P): Promise<void> {
    this.#running.delete(p2p);
    await p2p.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.#running];
    this.#running.clear();
    await Promise.allSettled(all.map((p2p) => p2p.close()));
  }
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming what it waited for. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Publishes fresh warm-up messages until every receiver has one: gossipsub needs the
 * subscription exchange (and, for forwarding, a mesh heartbeat) before messages flow.
 */
export async function warmUp(
  from: P2P,
  topic: string,
  received: ReadonlyArray<() => boolean>,
  timeoutMs = 8000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; !received.every((got) => got()); i++) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms warming up ${topic}`);
    await from.publish(topic, bytes(`warm-up ${i}`));
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
