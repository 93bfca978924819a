// Sending from a wallet in the keystore: unlock it, read its seqno, sign an order of payments,
// send it as an external message and follow it until it is final or refused. `gram transfer`
// and `gram contract deploy` both send this way.
import type { Command } from "commander";
import { toHex } from "../../node/bytes/index.ts";
import { encode } from "../../node/codec/index.ts";
import { type LedgerAddress, Message } from "../../node/ledger/index.ts";
import { RpcClientError } from "../../node/rpcclient/index.ts";
import { formatGrams } from "../../node/units/index.ts";
import { type Payment, transferMessage } from "../../node/wallet/index.ts";
import { type CliContext, keystoreOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { readPassword } from "../keystore/index.ts";
import { clientOf, rawOf } from "./remote.ts";

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
  const timeout = timeoutOf(opts);
  const keystore = keystoreOf(ctx);
  await keystore.show(from);
  const client = clientOf(cmd);
  const password = await readPassword(ctx.io, { wallet: from });
  const wallet = await keystore.unlock(from, password);
  const walletAddr = { workchain: BigInt(wallet.workchain), id: wallet.address.hash };
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
  const sent = await client
    .call<{ hash: string }>("sendMessage", { message: toHex(encode(Message, message)) })
    .catch((e) => {
      if (e instanceof RpcClientError && typeof e.code === "number")
        throw new CliError("CLI_TX_FAILED", `the node refused the message: ${e.message}`);
      throw e;
    });
  if (!opts.wait) return { kind: "accepted", message: sent.hash, wallet: walletAddr };
  const deadline = Date.now() + (timeout + 10) * 1000;
  let status: StatusAnswer;
  for (;;) {
    status = await client.call<StatusAnswer>("getMessageStatus", { hash: sent.hash });
    if (status.status === "final" || status.status === "refused") break;
    if (Date.now() > deadline)
      throw new CliError(
        "CLI_TIMEOUT",
        `message ${sent.hash} is not final after ${timeout + 10} s; check it later with its hash`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  if (status.status === "refused")
    throw new CliError("CLI_TX_FAILED", `the message was refused: ${status.reason}`);
  const tx = await client.call<TxAnswer>("getTransaction", { hash: status.transaction });
  if (status.success !== true || tx.action?.success === false)
    throw new CliError(
      "CLI_TX_FAILED",
      `the wallet's transaction ${tx.hash} failed (exit code ${status.exitCode}, action ${tx.action?.resultCode ?? "-"})`,
    );
  return { kind: "final", message: sent.hash, wallet: walletAddr, tx, exitCode: status.exitCode ?? null };
}
