// `gram block mc|bc SEQNO`: one final block of the masterchain or the basechain, as the node at
// --rpc has it. Scripts compare the hashes of several nodes at one seqno to see they agree.
import type { Command } from "commander";
import { RpcClientError } from "../../node/rpcclient/index.ts";
import { type CliContext, type CommandGroup, outputOf } from "../context.ts";
import { CliError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseSeqno } from "./args.ts";
import { clientOf } from "./remote.ts";

/** rpc §2.5, §4.2: what getBlock answers for a block the node does not have. */
const NOT_FOUND = -32004;

interface BlockAnswer {
  hash: string;
  workchain: number;
  seqno: number;
  prevHash: string;
  time: number;
  txCount: number;
  fees: string;
  [field: string]: unknown;
}

const CHAINS = {
  mc: { name: "masterchain", masterchain: true },
  bc: { name: "basechain", masterchain: false },
} as const;

export const blockCommands: CommandGroup = {
  name: "block",
  register(program, ctx) {
    const block = program
      .command("block")
      .description("show a final block of the masterchain or the basechain");
    for (const [short, chain] of Object.entries(CHAINS))
      block
        .command(short)
        .description(`the final ${chain.name} block SEQNO`)
        .argument("<seqno>", "block number (0 is the genesis block)", parseSeqno)
        .action((seqno: number, _o: unknown, cmd: Command) => show(ctx, cmd, chain, seqno));
  },
};

async function show(
  ctx: CliContext,
  cmd: Command,
  chain: (typeof CHAINS)[keyof typeof CHAINS],
  seqno: number,
): Promise<void> {
  const client = clientOf(cmd);
  let b: BlockAnswer;
  try {
    b = await client.call<BlockAnswer>("getBlock", { masterchain: chain.masterchain, seqno });
  } catch (e) {
    if (!(e instanceof RpcClientError) || e.code !== NOT_FOUND) throw e;
    const head = await client
      .call<{ masterchain: { seqno: number }; basechain: { seqno: number } }>("getChainInfo")
      .then((i) => (chain.masterchain ? i.masterchain.seqno : i.basechain.seqno))
      .catch(() => null);
    throw new CliError(
      "CLI_NOT_FOUND",
      `${chain.name} block ${seqno} is not final yet${head === null ? "" : ` (the newest final one is ${head})`}`,
    );
  }
  // The header's own encoding is for proofs; a person or a script comparing nodes wants the rest.
  const { encodedHeader: _, ...shown } = b;
  outputOf(ctx, cmd).result(shown as never, () =>
    formatTable([
      ["block", `${chain.name} #${b.seqno}`],
      ["hash", b.hash],
      ["previous", b.prevHash],
      ["time", new Date(b.time * 1000).toISOString()],
      ["transactions", String(b.txCount)],
    ]),
  );
}
