// When a network is up: its blocks are final, not merely its servers listening. Node 0's newest
// final masterchain block must move past the one it had when first asked, which takes a whole
// round of consensus among the validators. A spare votes in none: it is up once it follows the
// chain, its own newest final masterchain block as far as the one that made the network up.
import { isUnreachable, RpcClient } from "../node/rpcclient/index.ts";
import { TestnetError } from "./errors.ts";

export interface ChainInfo {
  network: string;
  masterchain: { seqno: number; hash: string; time: number };
  basechain: { seqno: number; hash: string };
  pendingMessages: number;
  peers?: unknown;
}

/** The node's chain info, or null when it does not answer (not listening yet, or gone). */
export async function chainInfoOf(rpc: string, timeoutMs: number): Promise<ChainInfo | null> {
  try {
    return await new RpcClient(rpc, { timeoutMs }).call<ChainInfo>("getChainInfo");
  } catch (e) {
    if (isUnreachable(e)) return null;
    throw e;
  }
}

export interface ReadyOptions {
  rpc: string;
  timeoutMs: number;
  /** Ends the wait early, with the reason it returns, when it returns one (a node that died). */
  failure?: () => Promise<string | null>;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks the node until `done` takes its chain info, and returns that; on the deadline, throws
 * TESTNET_NOT_READY with what `late` says of the last answer (null: it never answered).
 */
async function poll(
  options: ReadyOptions,
  done: (info: ChainInfo) => boolean,
  late: (last: ChainInfo | null) => string,
): Promise<ChainInfo> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ChainInfo | null = null;
  for (;;) {
    if (options.signal?.aborted)
      throw new TestnetError("TESTNET_ABORTED", "stopped before the network was up");
    const why = (await options.failure?.()) ?? null;
    if (why !== null) throw new TestnetError("TESTNET_NODE_EXITED", why);
    last = (await chainInfoOf(options.rpc, 2_000)) ?? last;
    if (last !== null && done(last)) return last;
    if (Date.now() > deadline) throw new TestnetError("TESTNET_NOT_READY", late(last));
    await sleep(100);
  }
}

/** Waits until the node's masterchain seqno grows by one; returns the new seqno. */
export async function waitForNewBlock(options: ReadyOptions): Promise<number> {
  let first: number | null = null;
  const info = await poll(
    options,
    (i) => {
      first ??= i.masterchain.seqno;
      return i.masterchain.seqno > first;
    },
    (last) =>
      last === null
        ? `node 0 did not answer at ${options.rpc} within ${options.timeoutMs / 1000} s`
        : `no block became final within ${options.timeoutMs / 1000} s (node 0 stays at masterchain block ${last.masterchain.seqno})`,
  );
  return info.masterchain.seqno;
}

/**
 * Waits until the node's newest final masterchain block is `seqno` or later: a node that votes in
 * no round (a spare) follows the chain. `name` is the node in a message ("spare 4").
 */
export async function waitForHead(options: ReadyOptions & { seqno: number; name: string }): Promise<number> {
  const info = await poll(
    options,
    (i) => i.masterchain.seqno >= options.seqno,
    (last) =>
      `${options.name} did not follow the chain within ${Math.round(options.timeoutMs / 100) / 10} s: ${
        last === null
          ? `it did not answer at ${options.rpc}`
          : `it stays at masterchain block ${last.masterchain.seqno}`
      }, and block ${options.seqno} is final`,
  );
  return info.masterchain.seqno;
}
