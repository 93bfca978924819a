// Sending from a wallet: unlock it (from the keystore, or the testnet's key for the faucet), read
// its seqno, sign an order of payments, send it as an external message and follow it until it is
// final or refused. `gram transfer`, `gram contract deploy` and `gram faucet` all send this way.
import type { Command } from "commander";
import { toHex } from "../../node/bytes/index.ts";
import { encode } from "../../node/codec/index.ts";
import { type KeyPair, sha256 } from "../../node/crypto/index.ts";
import { ACTION_FAIL } from "../../node/execution/index.ts";
import { type LedgerAddress, Message } from "../../node/ledger/index.ts";
import { type RpcClient, RpcClientError } from "../../node/rpcclient/index.ts";
import { formatGrams } from "../../node/units/index.ts";
import { type Payment, transferMessage } from "../../node/wallet/index.ts";
import { EXIT } from "../../vm/index.ts";
import { type CliContext, keystoreOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { readPassword } from "../keystore/index.ts";
import { clientOf, ledger, rawOf } from "./remote.ts";

export interface StatusAnswer {
  hash: string;
  status: "accepted" | "refused" | "final" | "unknown";
  reason?: string;
  exitCode?: number | null;
  transaction?: string;
  success?: boolean;
}

export interface TxAnswer {
  hash: string;
  account: string;
  lt: string;
  now: number;
  fee: string;
  compute: { success?: boolean; exitCode?: number; skipped?: string };
  action: { success: boolean; resultCode: number } | null;
  bounced: boolean;
  inMsg: { type: string; src?: string; value?: string; comment?: string | null };
  outMsgs: { type: string; dest?: string; value?: string; comment?: string | null }[];
  block: { workchain: number; seqno: number };
}

export interface SendOptions {
  wait: boolean;
  /** Seconds the signed message stays valid, and how long we wait. */
  timeout: string;
}

export type Sent =
  | { kind: "accepted"; message: string; wallet: LedgerAddress }
  | { kind: "final"; message: string; wallet: LedgerAddress; tx: TxAnswer; exitCode: number | null };

/** rpc §4.2: the mempool is full. */
const BUSY = -32012;
/** ledger §8: why an action failed. */
const ACTION_FAIL_TEXT: Record<number, string> = {
  [ACTION_FAIL.NOT_ENOUGH_BALANCE]: "not enough balance for the value and the forwarding fee",
  [ACTION_FAIL.BAD_DESTINATION]: "a destination in no known workchain",
  [ACTION_FAIL.BAD_CODE]: "code that does not load",
  [ACTION_FAIL.VALUE_TOO_LARGE]: "a value over 2^64 - 1",
  [ACTION_FAIL.BAD_RESERVE]: "a bad reserve",
  [ACTION_FAIL.BAD_INIT]: "an init that is not the destination's",
};

/** `--timeout` as whole seconds in 5..3600. */
export function timeoutOf(opts: SendOptions): number {
  const timeout = Number(opts.timeout);
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 3_600)
    throw usageError("--timeout must be whole seconds in 5..3600");
  return timeout;
}

/** What `payments` need of the wallet's balance at least (their values; fees come on top). */
const totalOf = (payments: readonly Payment[]) => payments.reduce((s, p) => s + p.valueNano, 0n);

export async function sendFromWallet(
  ctx: CliContext,
  cmd: Command,
  from: string,
  payments: Payment[],
  opts: SendOptions,
): Promise<Sent> {
  timeoutOf(opts);
  const keystore = keystoreOf(ctx);
  await keystore.show(from);
  const password = await readPassword(ctx.io, { wallet: from });
  const wallet = await keystore.unlock(from, password);
  return sendFromKey(
    cmd,
    { name: from, keyPair: wallet.keyPair, subwalletId: wallet.subwalletId, address: ledger(wallet.address) },
    payments,
    opts,
  );
}

/** A standard wallet whose key is at hand: one unlocked from the keystore, or the testnet's own. */
export interface SigningWallet {
  /** How messages name it: the keystore name, or a description. */
  name: string;
  keyPair: KeyPair;
  subwalletId: bigint;
  address: LedgerAddress;
}

export async function sendFromKey(
  cmd: Command,
  wallet: SigningWallet,
  payments: Payment[],
  opts: SendOptions,
): Promise<Sent> {
  const timeout = timeoutOf(opts);
  const from = wallet.name;
  const client = clientOf(cmd);
  const walletAddr = wallet.address;
  const self = await client.call<{ status: string; balance: string }>("getAccount", {
    address: rawOf(walletAddr),
  });
  if (self.status !== "active" && self.status !== "uninit")
    throw new CliError(
      "CLI_TX_FAILED",
      `wallet ${from} has no Grams yet (${rawOf(walletAddr)}); fund it first`,
    );
  const needed = totalOf(payments);
  if (BigInt(self.balance) < needed)
    throw new CliError(
      "CLI_TX_FAILED",
      `wallet ${from} holds ${formatGrams(BigInt(self.balance))} Gram, less than ${formatGrams(needed)}`,
    );
  let seqno = 0n;
  if (self.status === "active") {
    const r = await client.call<{ exitCode: number; stack: { int?: string }[] }>("runGetMethod", {
      address: rawOf(walletAddr),
      method: "seqno",
    });
    if (r.exitCode !== 0 || r.stack[0]?.int === undefined)
      throw new CliError("CLI_BAD_ANSWER", `the wallet's seqno get-method failed (exit code ${r.exitCode})`);
    seqno = BigInt(r.stack[0].int);
  }
  const nowSec = BigInt(Math.floor(Date.now() / 1000));
  const message = transferMessage({
    key: wallet.keyPair,
    subwalletId: wallet.subwalletId,
    seqno,
    validUntil: nowSec + BigInt(timeout),
    payments,
    deploy: self.status !== "active",
    workchain: walletAddr.workchain,
  });
  const bytes = encode(Message, message);
  const hash = toHex(sha256(bytes));
  const deadline = Date.now() + (timeout + 10) * 1000;
  // Subscribed before sending, so the round that decides the message cannot be missed; polling
  // stays as the fallback for a node whose WebSocket is unreachable or drops.
  const decided = opts.wait ? await watchStatus(client, hash) : null;
  try {
    // Resending past validUntil would only be refused as expired.
    await submit(client, toHex(bytes), Number(nowSec + BigInt(timeout)) * 1000);
    if (!opts.wait) return { kind: "accepted", message: hash, wallet: walletAddr };
    const status = await statusOf(client, hash, decided, deadline, timeout);
    if (status.status === "refused")
      throw new CliError("CLI_TX_FAILED", `the message was refused: ${status.reason}`);
    const tx = await client.call<TxAnswer>("getTransaction", { hash: status.transaction });
    if (status.success !== true || tx.action?.success === false)
      throw new CliError(
        "CLI_TX_FAILED",
        `the wallet's transaction ${tx.hash} failed (${
          tx.action?.success === false
            ? `its action ${tx.action.resultCode}: ${ACTION_FAIL_TEXT[tx.action.resultCode] ?? "see ledger §8"}`
            : `exit code ${status.exitCode}`
        }); the wallet paid its gas and its seqno did not move`,
      );
    return { kind: "final", message: hash, wallet: walletAddr, tx, exitCode: status.exitCode ?? null };
  } finally {
    await decided?.close();
  }
}

/** A full mempool (BUSY, rpc §4.2) may take the message later: send it again until it expires. */
async function submit(client: RpcClient, hex: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await client.call<{ hash: string }>("sendMessage", { message: hex });
      return;
    } catch (e) {
      if (!(e instanceof RpcClientError) || typeof e.code !== "number") throw e;
      if (e.code === BUSY && Date.now() > deadline)
        throw new CliError(
          "CLI_TX_FAILED",
          "the node stayed busy (its mempool full) until the message expired",
        );
      if (e.code !== BUSY) {
        const outOfCredit = (e.data as { exitCode?: number } | undefined)?.exitCode === EXIT.OUT_OF_GAS;
        throw new CliError(
          "CLI_TX_FAILED",
          outOfCredit
            ? "the node refused the message: the wallet ran out of its gas credit before accepting it (exit code 13); the order is too large (a deployed contract's code and data must stay under about 40 KB)"
            : `the node refused the message: ${e.message}`,
        );
      }
      await sleep(500);
    }
  }
}

interface Watch {
  /** Resolves with the first final or refused status event. */
  next: Promise<StatusAnswer>;
  close(): Promise<void>;
}

async function watchStatus(client: RpcClient, hash: string): Promise<Watch | null> {
  let resolve: (s: StatusAnswer) => void = () => {};
  const next = new Promise<StatusAnswer>((r) => {
    resolve = r;
  });
  try {
    const sub = await client.subscribe("message", hash, (m) => {
      const s = m as StatusAnswer;
      if (s.status === "final" || s.status === "refused") resolve(s);
    });
    return { next, close: () => sub.close() };
  } catch {
    return null;
  }
}

async function statusOf(
  client: RpcClient,
  hash: string,
  watch: Watch | null,
  deadline: number,
  timeout: number,
): Promise<StatusAnswer> {
  for (let polls = 0; ; polls++) {
    // Without a subscription, poll often; with one, only now and then in case it dropped.
    if (watch === null || polls % 20 === 0) {
      const s = await client.call<StatusAnswer>("getMessageStatus", { hash });
      if (s.status === "final" || s.status === "refused") return s;
    }
    if (Date.now() > deadline)
      throw new CliError(
        "CLI_TIMEOUT",
        `message ${hash} is not final after ${timeout + 10} s; check it later with its hash`,
      );
    const pause = sleep(100).then(() => null);
    const event = await (watch === null ? pause : Promise.race([pause, watch.next]));
    if (event !== null) return event;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
