// A steady stream of transfers for the fault tests: a few funded test wallets, each sending its
// next transfer as soon as the previous one is final, to the live nodes in turn. It records every
// transfer a node reported final (with its transaction hash and value), so a test can check that
// none is lost after the faults, and what went wrong otherwise, so a test can say it.
import { randomBytes } from "node:crypto";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { encode } from "../../node/codec/index.ts";
import { sha256 } from "../../node/crypto/index.ts";
import { Message } from "../../node/ledger/index.ts";
import type { RpcClient } from "../../node/rpcclient/index.ts";
import { transferMessage } from "../../node/wallet/index.ts";
import { testAccounts, testKeyPair } from "../accounts.ts";

export interface FinalTransfer {
  wallet: number;
  seqno: bigint;
  /** The external message's hash. */
  hash: string;
  /** The wallet's transaction, as the node that reported it final named it. */
  transaction: string;
  /** The raw address it paid. */
  to: string;
  valueNano: bigint;
  /** The node that reported it final first. */
  node: number;
}

export interface StreamOptions {
  /** One RPC client per node, by index. */
  nodes: readonly RpcClient[];
  /** The indexes of the nodes to send to now (the test keeps it current). */
  live: () => readonly number[];
  /** Subwallet ids of the test wallets that send (each its own sequence). */
  wallets: readonly number[];
  /** How long one transfer may take to become final before the stream says so. */
  settleTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POLL_MS = 50;

interface StatusView {
  status: string;
  transaction?: string;
  reason?: string;
}

export class TransferStream {
  readonly finals: FinalTransfer[] = [];
  /** Anything that should not happen to a stream of valid transfers: refusals, timeouts, errors. */
  readonly problems: string[] = [];
  /** Each wallet's recipient: a fresh address per wallet, so its balance is the sum of its transfers. */
  readonly recipients: ReadonlyMap<number, string>;
  /** Each wallet's seqno when the stream started. */
  readonly startSeqnos = new Map<number, bigint>();
  readonly #o: StreamOptions;
  #turn = 0;
  #count = 0;
  #stopping = false;
  #aborted = false;
  #loops: Promise<void>[] = [];

  constructor(options: StreamOptions) {
    this.#o = options;
    this.recipients = new Map(options.wallets.map((w) => [w, `0:${randomBytes(32).toString("hex")}`]));
  }

  /** Reads each wallet's seqno and starts its loop. */
  async start(): Promise<void> {
    const accounts = testAccounts();
    for (const w of this.#o.wallets) {
      const seqno = await this.#walletSeqno(`0:${toHex(accounts[w].address.id)}`);
      this.startSeqnos.set(w, seqno);
      this.#loops.push(
        this.#run(w, seqno).catch((e: unknown) => {
          this.problems.push(`wallet ${w} stopped on an error: ${(e as Error).stack ?? e}`);
        }),
      );
    }
  }

  /** Lets every wallet finish its transfer in flight (or, with `abort`, gives it up) and waits. */
  async stop(abort = false): Promise<void> {
    this.#stopping = true;
    if (abort) this.#aborted = true;
    await Promise.all(this.#loops);
  }

  /** The next live node in turn (every transfer goes to the next one). */
  #next(): number | null {
    const live = this.#o.live();
    if (live.length === 0) return null;
    return live[this.#turn++ % live.length];
  }

  async #walletSeqno(address: string): Promise<bigint> {
    for (let attempt = 0; ; attempt++) {
      const i = this.#next();
      try {
        if (i === null) throw new Error("no live node");
        const r = await this.#o.nodes[i].call<{ stack: { int: string }[] }>("runGetMethod", {
          address,
          method: "seqno",
        });
        return BigInt(r.stack[0].int);
      } catch (e) {
        if (attempt >= 50 || this.#aborted) throw e;
        await sleep(100);
      }
    }
  }

  async #run(wallet: number, first: bigint): Promise<void> {
    const key = testKeyPair();
    const from = `0:${toHex(testAccounts()[wallet].address.id)}`;
    const to = this.recipients.get(wallet) as string;
    const toId = fromHex(to.slice(2)) as Uint8Array;
    let seqno = first;
    while (!this.#stopping) {
      const valueNano = 1_000_000n + BigInt(this.#count++);
      const bytes = encode(
        Message,
        transferMessage({
          key,
          subwalletId: BigInt(wallet),
          seqno,
          validUntil: BigInt(Math.floor(Date.now() / 1000) + 600),
          payments: [{ to: { workchain: 0n, id: toId }, valueNano, bounce: false }],
        }),
      );
      const outcome = await this.#settle(toHex(bytes), toHex(sha256(bytes)));
      if (outcome === null) return;
      if (outcome.kind === "final") {
        this.finals.push({ wallet, seqno, to, valueNano, ...outcome.final });
        seqno++;
      } else {
        // A refusal leaves the wallet's seqno where the chain has it; carry on from there.
        this.problems.push(`wallet ${wallet}, seqno ${seqno}: ${outcome.why}`);
        seqno = await this.#walletSeqno(from);
      }
    }
  }

  /**
   * Sends one transfer to the next live node and polls it until a node reports it final or
   * refused; a node that stops answering, or never heard of it, is left for the next live one,
   * which gets the same message (same hash: a node that has it already takes it again).
   * Null when the stream was aborted or the transfer timed out (a problem, recorded).
   */
  async #settle(
    message: string,
    hash: string,
  ): Promise<
    | { kind: "final"; final: { hash: string; transaction: string; node: number } }
    | { kind: "refused"; why: string }
    | null
  > {
    const deadline = Date.now() + this.#o.settleTimeoutMs;
    let at = this.#next();
    while (!this.#aborted) {
      if (Date.now() > deadline) {
        this.problems.push(
          `transfer ${hash} was not final on any live node in ${this.#o.settleTimeoutMs} ms`,
        );
        return null;
      }
      if (at === null || !this.#o.live().includes(at)) at = this.#next();
      if (at !== null) {
        const node = this.#o.nodes[at];
        try {
          const s = await node.call<StatusView>("getMessageStatus", { hash });
          if (s.status === "final" && s.transaction !== undefined)
            return { kind: "final", final: { hash, transaction: s.transaction, node: at } };
          if (s.status === "refused")
            return { kind: "refused", why: `node ${at} says ${hash} was refused: ${s.reason}` };
          if (s.status === "unknown") await node.call("sendMessage", { message });
        } catch {
          // Killed, not up yet, or its state refuses the message for now: the next live node.
          at = null;
        }
      }
      await sleep(POLL_MS);
    }
    return null;
  }
}
