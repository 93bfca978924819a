// `gram wallet new|import|list|show`: the user's wallets in the local keystore. None of them
// needs a node: the address of a wallet follows from its key alone (node/wallet).
import type { Command } from "commander";
import { toHex } from "../../node/bytes/index.ts";
import { generateMnemonic, parseMnemonic, validateMnemonic } from "../../node/mnemonic/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { isTty, promptHidden, readAll } from "../io/index.ts";
import { type CreateWalletOptions, readPassword, type WalletInfo } from "../keystore/index.ts";
import { formatTable } from "../output/index.ts";
import { parseSubwalletId, parseWalletName, parseWorkchain } from "./args.ts";
import { addressForms } from "./forms.ts";

/** Piped phrases are a few hundred bytes; more means the wrong file was piped. */
const MAX_PHRASE_INPUT = 16 * 1024;

interface PlacementOptions {
  subwallet?: bigint;
  workchain?: number;
}

const NAME_HELP = "wallet name: 1 to 64 letters, digits, '_' or '-'";

export const walletCommands: CommandGroup = {
  name: "wallet",
  register(program, ctx) {
    const wallet = program
      .command("wallet")
      .description("create, import and list the wallets in the keystore");
    const withPlacement = (cmd: Command): Command =>
      cmd
        .option(
          "--subwallet <id>",
          "subwallet id in 0..4294967295; one key, several wallets (default 0)",
          parseSubwalletId,
        )
        .option("--workchain <wc>", "workchain of the wallet (default 0, the basechain)", parseWorkchain);

    withPlacement(
      wallet
        .command("new")
        .description("generate a 24-word recovery phrase and store a new wallet under NAME")
        .argument("<name>", NAME_HELP, parseWalletName),
    ).action((name: string, opts: PlacementOptions, cmd: Command) => walletNew(ctx, cmd, name, opts));

    withPlacement(
      wallet
        .command("import")
        .description(
          "store the wallet of an existing 24-word phrase under NAME (phrase from stdin or a prompt)",
        )
        .argument("<name>", NAME_HELP, parseWalletName)
        .option(
          "--mnemonic <words>",
          "the phrase; other users can see it in the process list, so prefer stdin",
        ),
    ).action((name: string, opts: ImportOptions, cmd: Command) => walletImport(ctx, cmd, name, opts));

    wallet
      .command("list")
      .description("list the wallets in the keystore")
      .action((_opts: unknown, cmd: Command) => walletList(ctx, cmd));

    wallet
      .command("show")
      .description("show a wallet's addresses, public key, subwallet and workchain")
      .argument("<name>", "wallet name", parseWalletName)
      .action((name: string, _opts: unknown, cmd: Command) => walletShow(ctx, cmd, name));
  },
};

async function walletNew(ctx: CliContext, cmd: Command, name: string, opts: PlacementOptions): Promise<void> {
  const keystore = keystoreOf(ctx);
  await keystore.assertNameFree(name);
  const password = await readPassword(ctx.io, { wallet: name, confirm: true });
  const words = generateMnemonic();
  const info = await keystore.create(name, words, password, placementOf(opts));
  outputOf(ctx, cmd).result({ ...summary(info), mnemonic: words.join(" ") }, () =>
    [
      `Created wallet ${name}.`,
      details(info),
      "",
      "Recovery phrase. Write these 24 words down, in order, and keep them offline: they are the only",
      "way to restore this wallet if the keystore is lost, and anyone who has them controls its funds.",
      "They are not shown again.",
      "",
      wordGrid(words),
    ].join("\n"),
  );
}

interface ImportOptions extends PlacementOptions {
  mnemonic?: string;
}

async function walletImport(ctx: CliContext, cmd: Command, name: string, opts: ImportOptions): Promise<void> {
  const keystore = keystoreOf(ctx);
  await keystore.assertNameFree(name);
  const words = parseMnemonic(await phraseText(ctx, opts.mnemonic));
  // A mistyped phrase is refused before the password is asked for.
  validateMnemonic(words);
  const password = await readPassword(ctx.io, { wallet: name, confirm: true });
  const info = await keystore.create(name, words, password, placementOf(opts));
  outputOf(ctx, cmd).result(summary(info), () => [`Imported wallet ${name}.`, details(info)].join("\n"));
}

/** --mnemonic, else piped stdin, else a hidden prompt. */
async function phraseText(ctx: CliContext, option: string | undefined): Promise<string> {
  if (option !== undefined) return option;
  if (!isTty(ctx.io.stdin)) return readAll(ctx.io.stdin, MAX_PHRASE_INPUT);
  return promptHidden(ctx.io, "Recovery phrase (24 words, not shown as you type): ");
}

async function walletList(ctx: CliContext, cmd: Command): Promise<void> {
  const keystore = keystoreOf(ctx);
  const wallets = await keystore.list();
  const json = {
    wallets: wallets.map((w) => ({ ...summary(w), subwalletId: w.subwalletId, workchain: w.workchain })),
  };
  outputOf(ctx, cmd).result(json, () =>
    wallets.length === 0
      ? `No wallets in ${keystore.dir}. Create one with: gram wallet new NAME`
      : formatTable([["NAME", "ADDRESS"], ...wallets.map((w) => [w.name, summary(w).address])]),
  );
}

async function walletShow(ctx: CliContext, cmd: Command, name: string): Promise<void> {
  const info = await keystoreOf(ctx).show(name);
  const forms = addressForms(info.address);
  const json = {
    ...summary(info),
    bounceable: forms.bounceable,
    subwalletId: info.subwalletId,
    workchain: info.workchain,
  };
  outputOf(ctx, cmd).result(json, () =>
    formatTable([
      ["wallet", info.name],
      ["address", `${forms.nonBounceable}  (non-bounceable)`],
      ["bounceable", forms.bounceable],
      ["raw", forms.raw],
      ["public key", toHex(info.publicKey)],
      ["subwallet", info.subwalletId.toString()],
      ["workchain", String(info.workchain)],
    ]),
  );
}

function placementOf(opts: PlacementOptions): CreateWalletOptions {
  return { subwalletId: opts.subwallet ?? 0n, workchain: opts.workchain ?? 0 };
}

/** `address` is the non-bounceable form, as TON wallets show an account that receives. */
function summary(info: WalletInfo): { name: string; address: string; raw: string; publicKey: string } {
  const forms = addressForms(info.address);
  return { name: info.name, address: forms.nonBounceable, raw: forms.raw, publicKey: toHex(info.publicKey) };
}

function details(info: WalletInfo): string {
  const s = summary(info);
  const rows = [
    ["  address", `${s.address}  (non-bounceable)`],
    ["  raw", s.raw],
    ["  public key", s.publicKey],
  ];
  if (info.subwalletId !== 0n) rows.push(["  subwallet", info.subwalletId.toString()]);
  if (info.workchain !== 0) rows.push(["  workchain", String(info.workchain)]);
  return formatTable(rows);
}

/** The words in 4 numbered columns, read down each column. */
function wordGrid(words: readonly string[]): string {
  const rows = Math.ceil(words.length / 4);
  const grid: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const cells = [0, 1, 2, 3].map((c) => c * rows + r).filter((i) => i < words.length);
    grid.push(cells.map((i) => `${String(i + 1).padStart(2)}. ${words[i]}`));
  }
  return formatTable(grid);
}
