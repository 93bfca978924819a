// `gram faucet ADDRESS [AMOUNT]`: Grams on a local testnet, from its funded wallet 0 (the published
// test mnemonic, testnet/accounts.ts), sent through the node at --rpc and followed until final,
// so a developer funds a new wallet without importing the test phrase first.
import type { Command } from "commander";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { TESTNET_NETWORK, testAccounts, testKeyPair } from "../../testnet/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { clientOf, rawOf, resolveTarget } from "./remote.ts";
import { sendFromKey, timeoutOf } from "./walletSend.ts";

const DEFAULT_AMOUNT = "100";

export const faucetCommand: CommandGroup = {
  name: "faucet",
  register(program, ctx) {
    program
      .command("faucet")
      .description("send Grams on a local testnet from its funded test wallet 0; waits until final")
      .argument("<address>", "address (or wallet name) to fund")
      .argument("[amount]", "Grams, up to 9 decimals", DEFAULT_AMOUNT)
      .option("--timeout <seconds>", "how long the signed message stays valid and we wait", "60")
      .action((address: string, amount: string, opts: { timeout: string }, cmd: Command) =>
        faucet(ctx, cmd, address, amount, opts.timeout),
      );
  },
};

async function faucet(ctx: CliContext, cmd: Command, to: string, amount: string, timeout: string) {
  const valueNano = parseGrams(amount);
  if (valueNano === 0n) throw usageError("the amount must be more than 0");
  const opts = { wait: true, timeout };
  timeoutOf(opts);
  const target = await resolveTarget(ctx, to);
  const { network } = await clientOf(cmd).call<{ network: string }>("getChainInfo");
  // The test phrase is public: on any other network its wallets are anyone's, or empty.
  if (network !== TESTNET_NETWORK)
    throw new CliError(
      "CLI_WRONG_NETWORK",
      `the node at ${cmd.optsWithGlobals().rpc} runs network '${network}', not a local testnet; the faucet gives only testnet Grams`,
    );
  const source = testAccounts()[0];
  const sent = await sendFromKey(
    cmd,
    { name: "test wallet 0", keyPair: testKeyPair(), subwalletId: 0n, address: source.address },
    [{ to: target.address, valueNano, body: null, bounce: false }],
    opts,
  );
  if (sent.kind !== "final") throw new Error("faucet: a waited-for send came back not final");
  const { tx } = sent;
  outputOf(ctx, cmd).result(
    {
      hash: tx.hash,
      message: sent.message,
      status: "final",
      from: rawOf(source.address),
      to: rawOf(target.address),
      amount: valueNano.toString(),
      fee: tx.fee,
    },
    () =>
      formatTable([
        [
          "sent",
          `${formatGrams(valueNano)} Gram from test wallet 0 to ${target.name ?? rawOf(target.address)}`,
        ],
        ["status", "final"],
        ["transaction", tx.hash],
        ["fee", `${formatGrams(BigInt(tx.fee))} Gram`],
      ]),
  );
}
