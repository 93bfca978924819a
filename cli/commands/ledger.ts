// `gram balance`, `gram transfer`, `gram tx`, `gram history`: Grams through a node. A balance is
// shown only after its proof checks out against the trusted validators; a transfer is signed
// here, sent as an external message, and followed until it is final or refused.
import type { Command } from "commander";
import { formatFriendly } from "../../node/address/index.ts";
import { toHex } from "../../node/bytes/index.ts";
import { encode } from "../../node/codec/index.ts";
import { Message } from "../../node/ledger/index.ts";
import { type AccountProofJson, verifyAccountProof } from "../../node/lightclient/index.ts";
import { RpcClientError } from "../../node/rpcclient/index.ts";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { commentBody, transferMessage } from "../../node/wallet/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { readPassword } from "../keystore/index.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, rawOf, resolveTarget, trustedValidators } from "./remote.ts";

const MAX_COMMENT_BYTES = 1_000;

interface StatusAnswer {
  hash: string;
  status: "accepted" | "refused" | "final" | "unknown";
  reason?: string;
  exitCode?: number | null;
  transaction?: string;
  success?: boolean;
}

interface TxAnswer {
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

export const ledgerCommands: CommandGroup = {
  name: "ledger",
  register(program, ctx) {
    program
      .command("balance")
      .description("show the balance of a wallet or address, proved against the validators' signatures")
      .argument("<target>", "wallet name or address")
      .allowUnknownOption()
      .action((target: string, _o: unknown, cmd: Command) => balance(ctx, cmd, target));

    program
      .command("transfer")
      .description("send Grams from a wallet in the keystore; waits until the transfer is final")
      .argument("<from>", "wallet name", parseWalletName)
      .argument("<to>", "wallet name or address")
      .argument("<amount>", "Grams, up to 9 decimals (e.g. 1.5)")
      .option("--comment <text>", "a text comment for the recipient")
      .option("--bounce", "return the Grams if the recipient fails (default: as the address form says)")
      .option("--no-bounce", "never return the Grams")
      .option("--no-wait", "return once the node has accepted the message")
      .option("--timeout <seconds>", "how long the signed message stays valid and we wait", "60")
      .allowUnknownOption()
      .action((from: string, to: string, amount: string, opts: TransferOptions, cmd: Command) =>
        transfer(ctx, cmd, from, to, amount, opts),
      );

    program
      .command("tx")
      .description("show a transaction by hash")
      .argument("<hash>", "transaction hash (64 hex digits)")
      .action(async (hash: string, _o: unknown, cmd: Command) => {
        if (!/^[0-9a-fA-F]{64}$/.test(hash))
          throw usageError(`'${hash}' is not a transaction hash (64 hex digits)`);
        const tx = await clientOf(cmd).call<TxAnswer>("getTransaction", { hash });
        outputOf(ctx, cmd).result(tx as never, () => describeTx(tx));
      });

    program
      .command("history")
      .description("list the newest transactions of a wallet or address")
      .argument("<target>", "wallet name or address")
      .option("--limit <n>", "how many (1..100)", "20")
      .allowUnknownOption()
      .action(async (target: string, opts: { limit: string }, cmd: Command) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          throw usageError("--limit must be an integer in 1..100");
        const t = await resolveTarget(ctx, target);
        const list = await clientOf(cmd).call<TxAnswer[]>("getTransactions", {
          address: rawOf(t.address),
          limit,
        });
        outputOf(ctx, cmd).result({ address: rawOf(t.address), transactions: list as never }, () =>
          list.length === 0 ? "No transactions." : list.map(describeTx).join("\n\n"),
        );
      });
  },
};

interface TransferOptions {
  comment?: string;
  bounce?: boolean;
  wait: boolean;
  timeout: string;
}

async function balance(ctx: CliContext, cmd: Command, text: string): Promise<void> {
  const target = await resolveTarget(ctx, text);
  const client = clientOf(cmd);
  const validators = await trustedValidators(ctx, client);
  const answer = await client.call<{ proof: AccountProofJson; status: string }>("getAccount", {
    address: rawOf(target.address),
  });
  const proved = verifyAccountProof(answer.proof, target.address, validators);
  const nano = proved.account?.balance ?? 0n;
  const address = formatFriendly(
    { workchain: Number(target.address.workchain), hash: target.address.id },
    { bounceable: target.bounceable !== false, testnet: false },
  );
  outputOf(ctx, cmd).result(
    {
      address,
      raw: rawOf(target.address),
      balance: nano.toString(),
      status: proved.account?.status.kind ?? "nonexist",
      masterchainSeqno: Number(proved.mcSeqno),
    },
    () => `${formatGrams(nano)} Gram  (${address}, proved at masterchain block ${proved.mcSeqno})`,
  );
}

async function transfer(
  ctx: CliContext,
  cmd: Command,
  from: string,
  to: string,
  amountText: string,
  opts: TransferOptions,
): Promise<void> {
  const valueNano = parseGrams(amountText);
  const timeout = Number(opts.timeout);
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 3_600)
    throw usageError("--timeout must be whole seconds in 5..3600");
  let body = null;
  if (opts.comment !== undefined) {
    if (Buffer.byteLength(opts.comment) > MAX_COMMENT_BYTES)
      throw usageError(`--comment is over ${MAX_COMMENT_BYTES} bytes`);
    body = commentBody(opts.comment);
  }
  const target = await resolveTarget(ctx, to);
  const keystore = keystoreOf(ctx);
  const info = await keystore.show(from);
  const client = clientOf(cmd);
  const password = await readPassword(ctx.io, { wallet: from });
  const wallet = await keystore.unlock(from, password);
  const walletAddr = { workchain: BigInt(wallet.workchain), id: wallet.address.hash };
  const [self, dest] = await Promise.all([
    client.call<{ status: string; balance: string }>("getAccount", { address: rawOf(walletAddr) }),
    client.call<{ status: string }>("getAccount", { address: rawOf(target.address) }),
  ]);
  if (self.status !== "active" && self.status !== "uninit")
    throw new CliError(
      "CLI_TX_FAILED",
      `wallet ${from} has no Grams yet (${rawOf(walletAddr)}); fund it first`,
    );
  if (BigInt(self.balance) < valueNano)
    throw new CliError(
      "CLI_TX_FAILED",
      `wallet ${from} holds ${formatGrams(BigInt(self.balance))} Gram, less than ${formatGrams(valueNano)}`,
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
  // Bounce unless told otherwise or the address form says not to; never to an account without code, whose refusal would send the Grams straight back.
  const bounce = opts.bounce ?? ((target.bounceable ?? true) && dest.status === "active");
  const nowSec = BigInt(Math.floor(Date.now() / 1000));
  const message = transferMessage({
    key: wallet.keyPair,
    subwalletId: wallet.subwalletId,
    seqno,
    validUntil: nowSec + BigInt(timeout),
    payments: [{ to: target.address, valueNano, body, bounce }],
    deploy: self.status !== "active",
    workchain: walletAddr.workchain,
  });
  const sent = await client
    .call<{ hash: string }>("sendMessage", { message: toHex(encode(Message, message)) })
    .catch((e) => {
      if (e instanceof RpcClientError && typeof e.code === "number")
        throw new CliError("CLI_TX_FAILED", `the node refused the transfer: ${e.message}`);
      throw e;
    });
  const out = outputOf(ctx, cmd);
  if (!opts.wait) {
    out.result(
      { hash: sent.hash, status: "accepted", fee: "0" },
      () =>
        `Sent ${formatGrams(valueNano)} Gram from ${info.name}: message ${sent.hash} accepted (not waiting).`,
    );
    return;
  }
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
    throw new CliError("CLI_TX_FAILED", `the transfer was refused: ${status.reason}`);
  const tx = await client.call<TxAnswer>("getTransaction", { hash: status.transaction });
  const ok = status.success === true && tx.action?.success !== false;
  const result = {
    hash: tx.hash,
    message: sent.hash,
    status: "final",
    success: ok,
    fee: tx.fee,
    exitCode: status.exitCode ?? null,
  };
  if (!ok)
    throw new CliError(
      "CLI_TX_FAILED",
      `the wallet's transaction ${tx.hash} failed (exit code ${status.exitCode}, action ${tx.action?.resultCode ?? "-"})`,
    );
  out.result(result, () =>
    formatTable([
      ["sent", `${formatGrams(valueNano)} Gram from ${info.name} to ${target.name ?? rawOf(target.address)}`],
      ["status", "final"],
      ["transaction", tx.hash],
      ["fee", `${formatGrams(BigInt(tx.fee))} Gram`],
    ]),
  );
}

function describeTx(tx: TxAnswer): string {
  const rows: [string, string][] = [
    ["transaction", tx.hash],
    ["account", tx.account],
    ["time", new Date(tx.now * 1000).toISOString()],
    ["lt", tx.lt],
    ["block", `${tx.block.workchain}:${tx.block.seqno}`],
  ];
  if (tx.inMsg.type === "internal")
    rows.push([
      "received",
      `${formatGrams(BigInt(tx.inMsg.value ?? "0"))} Gram from ${tx.inMsg.src}${tx.inMsg.comment ? ` "${tx.inMsg.comment}"` : ""}`,
    ]);
  else rows.push(["received", "external message"]);
  for (const m of tx.outMsgs)
    if (m.type === "internal")
      rows.push([
        "sent",
        `${formatGrams(BigInt(m.value ?? "0"))} Gram to ${m.dest}${m.comment ? ` "${m.comment}"` : ""}`,
      ]);
  rows.push(["fee", `${formatGrams(BigInt(tx.fee))} Gram`]);
  const c = tx.compute;
  rows.push([
    "result",
    c.skipped !== undefined
      ? `compute skipped (${c.skipped})`
      : `exit code ${c.exitCode}${tx.bounced ? ", bounced" : ""}`,
  ]);
  return formatTable(rows);
}
