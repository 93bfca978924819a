// `gram contract deploy FILE --from WALLET --value AMOUNT`: deploy a contract from a wallet, and
// `gram contract get ADDRESS METHOD [ARGS…]`: run a get-method on a node. Values (arguments,
// initial storage, a body) are typed as in `vmValues.ts`; stacks come back in rpc §3's JSON.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { type VmJson, vmToJson } from "../../node/vmjson/index.ts";
import { deployAddress } from "../../node/wallet/index.ts";
import {
  AsmError,
  assemble,
  type InitAction,
  limits,
  loadProgram,
  type StorageEntry,
  valueSize,
} from "../../vm/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, friendlyOf, rawOf, resolveTarget } from "./remote.ts";
import { parseValue, showTagged } from "./vmValues.ts";
import { type SendOptions, sendFromWallet, type TxAnswer, timeoutOf } from "./walletSend.ts";

/** The magic of a program image (vm §3): what tells bytecode from assembly text. */
const IMAGE_MAGIC = [0x47, 0x56];
const MAX_FILE_BYTES = 1 << 20;

export function parseArg(text: string): VmJson {
  return vmToJson(parseValue(text, "argument"));
}

/** `--data KEY=VALUE`: a storage key in hex (1..128 bytes) and a value. */
export function parseDataEntry(text: string): StorageEntry {
  const eq = text.indexOf("=");
  const keyHex = eq < 0 ? "" : text.slice(0, eq).replace(/^0x/, "");
  const key = /^([0-9a-fA-F]{2}){1,128}$/.test(keyHex) ? fromHex(keyHex) : null;
  if (key === null)
    throw usageError(`--data '${text}' is not KEY=VALUE with KEY in hex (1..128 bytes), e.g. 00=5`);
  return { key, value: parseValue(text.slice(eq + 1), `--data ${keyHex}`) };
}

/** The contract's code from FILE: a program image as it is, or assembly text assembled here. */
export async function readContract(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length > MAX_FILE_BYTES) throw usageError(`${file} is over ${MAX_FILE_BYTES} bytes`);
  let code: Uint8Array;
  if (bytes[0] === IMAGE_MAGIC[0] && bytes[1] === IMAGE_MAGIC[1]) code = bytes;
  else {
    try {
      code = assemble(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (e) {
      if (e instanceof AsmError) throw usageError(`${file}: ${e.message}`);
      if (e instanceof TypeError) throw usageError(`${file} is neither a program image nor UTF-8 assembly`);
      throw e;
    }
  }
  try {
    loadProgram(code);
  } catch (e) {
    throw usageError(`${file} is not a valid program: ${(e as Error).message}`);
  }
  return code;
}

interface DeployOptions extends SendOptions {
  from: string;
  value: string;
  data: StorageEntry[];
  body: string;
}

export const contractCommands: CommandGroup = {
  name: "contract",
  register(program, ctx) {
    const contract = program.command("contract").description("deploy and call contracts");
    contract
      .command("deploy")
      .description("deploy a contract from a wallet and print its address (the hash of its code and data)")
      .argument("<file>", "the contract: VM assembly text, or a program image (bytecode)")
      .requiredOption("--from <wallet>", "wallet that sends the deployment and pays for it", parseWalletName)
      .requiredOption("--value <amount>", "Grams the new contract starts with, up to 9 decimals")
      .option(
        "--data <key=value>",
        "an initial storage entry: key in hex, value an integer, 0x… bytes, null or a JSON array (repeatable)",
        (text: string, all: StorageEntry[]) => [...all, parseDataEntry(text)],
        [],
      )
      .option("--body <value>", "body of the deploying message, typed like a --data value", "null")
      .option("--no-wait", "return once the node has accepted the message")
      .option("--timeout <seconds>", "how long the signed message stays valid and we wait", "60")
      .action((file: string, opts: DeployOptions, cmd: Command) => deploy(ctx, cmd, file, opts));

    contract
      .command("get")
      .description("run a get-method (read-only) and print its result stack")
      .argument("<address>", "contract address or wallet name")
      .argument("<method>", "get-method name")
      .argument("[args...]", "arguments: integers, 0x… bytes, null or JSON arrays")
      .allowUnknownOption()
      .action(async (address: string, method: string, args: string[], _o: unknown, cmd: Command) => {
        const stackIn = args.map(parseArg);
        const target = await resolveTarget(ctx, address);
        const r = await clientOf(cmd).call<{ exitCode: number; gasUsed: string; stack: VmJson[] }>(
          "runGetMethod",
          { address: rawOf(target.address), method, args: stackIn },
        );
        if (r.exitCode !== 0)
          throw new CliError(
            "CLI_TX_FAILED",
            `get-method ${method} of ${rawOf(target.address)} failed with exit code ${r.exitCode}`,
          );
        outputOf(ctx, cmd).result(
          {
            address: rawOf(target.address),
            method,
            exitCode: r.exitCode,
            gasUsed: r.gasUsed,
            stack: r.stack as never,
          },
          () => r.stack.map(showTagged).join("\n"),
        );
      });
  },
};

async function deploy(ctx: CliContext, cmd: Command, file: string, opts: DeployOptions): Promise<void> {
  const valueNano = parseGrams(opts.value);
  if (valueNano === 0n)
    throw usageError("--value must be more than 0: the contract's first run is paid from it");
  const timeout = timeoutOf(opts);
  const body = parseValue(opts.body, "--body");
  const keys = new Set(opts.data.map((e) => toHex(e.key)));
  if (keys.size !== opts.data.length) throw usageError("--data gives one key twice");
  if (opts.data.length > limits.MAX_TUPLE_ITEMS)
    throw usageError(`--data is given ${opts.data.length} times, at most ${limits.MAX_TUPLE_ITEMS}`);
  const init: InitAction = { code: await readContract(file), data: opts.data };
  const size = valueSize([init.code, init.data.map((e) => [e.key, e.value])]);
  if (size > limits.MAX_VALUE_SIZE)
    throw usageError(
      `the code and --data come to ${size} size units, over the VM's limit of ${limits.MAX_VALUE_SIZE}`,
    );
  const address = deployAddress(init);
  const raw = rawOf(address);
  const friendly = friendlyOf(address, true);
  const client = clientOf(cmd);
  const before = await client.call<{ status: string }>("getAccount", { address: raw });
  if (before.status === "active")
    throw new CliError(
      "CLI_TX_FAILED",
      `a contract with this code and data is already at ${raw}; change its initial data (--data) to deploy another`,
    );
  if (before.status === "frozen") throw new CliError("CLI_TX_FAILED", `the account ${raw} is frozen`);
  // Bounceable: if the first run fails, the Grams come back instead of staying on an empty account.
  const sent = await sendFromWallet(
    ctx,
    cmd,
    opts.from,
    [{ to: address, valueNano, body, bounce: true, init }],
    opts,
  ).catch((e) => {
    if (e instanceof CliError) throw new CliError(e.code, `deploying to ${raw}: ${e.message}`, e.exitCode);
    throw e;
  });
  const out = outputOf(ctx, cmd);
  if (sent.kind === "accepted") {
    out.result(
      { address: friendly, raw, status: "accepted", message: sent.message },
      () => `Deploying to ${friendly}: message ${sent.message} accepted (not waiting).`,
    );
    return;
  }
  const tx = await firstRun(cmd, raw, rawOf(sent.wallet), BigInt(sent.tx.lt), timeout);
  const ok = tx.compute.success === true && tx.action?.success !== false && !tx.bounced;
  if (!ok) {
    const action = tx.action?.success === false ? `, action ${tx.action.resultCode}` : "";
    const why = `exit code ${tx.compute.exitCode ?? tx.compute.skipped ?? "-"}${action}`;
    // What became of the Grams: a bounce carries back what the run and the return's fee left.
    const back = tx.bounced ? tx.outMsgs.at(-1)?.value : undefined;
    const left = (await client.call<{ balance: string }>("getAccount", { address: raw })).balance;
    const grams =
      back !== undefined
        ? `${formatGrams(BigInt(back))} Gram came back to ${opts.from}`
        : BigInt(left) > 0n
          ? `${formatGrams(BigInt(left))} Gram stay at ${raw}, which has no code (deploying the same code and data again uses them)`
          : "nothing came back: the run used it all";
    throw new CliError(
      "CLI_TX_FAILED",
      `the first run of the contract at ${raw} failed (${why}, transaction ${tx.hash}); ${grams}`,
    );
  }
  const fee = BigInt(sent.tx.fee) + BigInt(tx.fee);
  out.result(
    {
      address: friendly,
      raw,
      status: "active",
      transaction: tx.hash,
      walletTransaction: sent.tx.hash,
      fee: fee.toString(),
    },
    () =>
      formatTable([
        ["deployed", friendly],
        ["raw", raw],
        ["balance sent", `${formatGrams(valueNano)} Gram from ${opts.from}`],
        ["transaction", tx.hash],
        ["fees", `${formatGrams(fee)} Gram`],
      ]),
  );
}

/** The new contract's first transaction: the one that takes the wallet's message, sent at `afterLt`. */
async function firstRun(
  cmd: Command,
  raw: string,
  wallet: string,
  afterLt: bigint,
  timeout: number,
): Promise<TxAnswer> {
  const client = clientOf(cmd);
  const deadline = Date.now() + (timeout + 10) * 1000;
  for (;;) {
    const list = await client.call<TxAnswer[]>("getTransactions", { address: raw, limit: 10 });
    const tx = list.find((x) => BigInt(x.lt) > afterLt && x.inMsg.src === wallet);
    if (tx !== undefined) return tx;
    if (Date.now() > deadline)
      throw new CliError(
        "CLI_TIMEOUT",
        `no transaction at ${raw} after ${timeout + 10} s; check it later with gram history`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
