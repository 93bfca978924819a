// `gram balance`, `gram transfer`, `gram tx`, `gram history`: Grams through a node. A balance is
// shown only after its proof checks out against the trusted validators; a transfer is signed
// here, sent as an external message, and followed until it is final or refused.
import type { Command } from "commander";
import type { LedgerAddress } from "../../node/ledger/index.ts";
import { type AccountProofJson, ProofError, verifyAccountProof } from "../../node/lightclient/index.ts";
import type { RpcClient } from "../../node/rpcclient/index.ts";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { commentBody } from "../../node/wallet/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, friendlyOf, rawOf, resolveTarget, trustedValidators } from "./remote.ts";
import { type SendOptions, sendFromWallet, type TxAnswer, timeoutOf } from "./walletSend.ts";

const MAX_COMMENT_BYTES = 1_000;

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

interface TransferOptions extends SendOptions {
  comment?: string;
  bounce?: boolean;
}

async function balance(ctx: CliContext, cmd: Command, text: string): Promise<void> {
  const target = await resolveTarget(ctx, text);
  const client = clientOf(cmd);
  const proved = await provedAccount(ctx, client, target.address);
  const nano = proved.account?.balance ?? 0n;
  const address = friendlyOf(target.address, target.bounceable !== false);
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

/**
 * The account as the node proves it, against the validators this client trusts. The block a node
 * answers with may be the key block that put a new set in force (signed by the set before), or
 * one past a key block this client has not followed yet: the check is made again with the next
 * block and the sets followed anew, a few times, never with a set that did not sign it.
 */
async function provedAccount(ctx: CliContext, client: RpcClient, address: LedgerAddress) {
  for (let attempt = 1; ; attempt++) {
    const { validators, network } = await trustedValidators(ctx, client);
    const answer = await client.call<{ proof: AccountProofJson; status: string }>("getAccount", {
      address: rawOf(address),
    });
    try {
      return verifyAccountProof(answer.proof, address, validators, network);
    } catch (e) {
      if (!(e instanceof ProofError) || attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
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
  timeoutOf(opts);
  let body = null;
  if (opts.comment !== undefined) {
    if (Buffer.byteLength(opts.comment) > MAX_COMMENT_BYTES)
      throw usageError(`--comment is over ${MAX_COMMENT_BYTES} bytes`);
    body = commentBody(opts.comment);
  }
  const target = await resolveTarget(ctx, to);
  const info = await keystoreOf(ctx).show(from);
  const dest = await clientOf(cmd).call<{ status: string }>("getAccount", { address: rawOf(target.address) });
  // Bounce unless told otherwise or the address form says not to; never to an account without code, whose refusal would send the Grams straight back.
  const bounce = opts.bounce ?? ((target.bounceable ?? true) && dest.status === "active");
  const sent = await sendFromWallet(ctx, cmd, from, [{ to: target.address, valueNano, body, bounce }], opts);
  const out = outputOf(ctx, cmd);
  if (sent.kind === "accepted") {
    out.result(
      { hash: sent.message, status: "accepted", fee: "0" },
      () =>
        `Sent ${formatGrams(valueNano)} Gram from ${info.name}: message ${sent.message} accepted (not waiting).`,
    );
    return;
  }
  const { tx } = sent;
  out.result(
    {
      hash: tx.hash,
      message: sent.message,
      status: "final",
      success: true,
      fee: tx.fee,
      exitCode: sent.exitCode,
    },
    () =>
      formatTable([
        [
          "sent",
          `${formatGrams(valueNano)} Gram from ${info.name} to ${target.name ?? rawOf(target.address)}`,
        ],
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
