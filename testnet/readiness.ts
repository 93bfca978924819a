// When a network is up: its blocks are final, not merely its servers listening. Node 0's newest
// final masterchain block must move past the one it had when first asked, which takes a whole
// round of consensus among the validators.
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

/** Waits until the node's masterchain seqno grows by one; returns the new seqno. */
export async function waitForNewBlock(options: ReadyOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let first: number | null = null;
  let last: ChainInfo | null = null;
  for (;;) {
    if (options.signal?.aborted)
      throw new TestnetError("TESTNET_ABORTED", "stopped before the network was up");
    const why = (await options.failure?.()) ?? null;
    if (why !== null) throw new TestnetError("TESTNET_NODE_EXITED", why);
    last = await chainInfoOf(options.rpc, 2_000);
    if (last !== null) {
      first ??= last.masterchain.seqno;
      if (last.masterchain.seqno > first) return last.masterchain.seqno;
    }
    if (Date.now() > deadline)
      throw new TestnetError(
        "TESTNET_NOT_READY",
        last === null
          ? `node 0 did not answer at ${options.rpc} within ${options.timeoutMs / 1000} s`
          : `no block became final within ${options.timeoutMs / 1000} s (node 0 stays at masterchain block ${last.masterchain.seqno})`,
      );
    await sleep(100);
  }
}
