// What the commands that talk to a node share: the client for --rpc, turning NAME|ADDRESS into
// an address, and the validator set this home trusts for each network (pinned at first contact,
// like an SSH host key), which `gram balance` checks a node's proofs against.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { type Address, formatFriendly, parseAddress } from "../../node/address/index.ts";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { BlockHeader, ChainConfig, type Validator } from "../../node/chain/index.ts";
import { decode, hashOf } from "../../node/codec/index.ts";
import type { LedgerAddress } from "../../node/ledger/index.ts";
import { followKeyBlocks, type KeyBlockJson, ProofError } from "../../node/lightclient/index.ts";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { type CliContext, globalsOf, keystoreOf } from "../context.ts";
import { CliError } from "../errors.ts";
import { gramHome, isWalletName } from "../keystore/index.ts";

export function clientOf(cmd: Command, timeoutMs = 15_000): RpcClient {
  return new RpcClient(globalsOf(cmd).rpc, { timeoutMs });
}

export interface Target {
  address: LedgerAddress;
  /** The bounce flag the form asked for (friendly forms carry one), or null. */
  bounceable: boolean | null;
  /** The wallet's name when the target was named. */
  name: string | null;
}

export const ledger = (a: Address): LedgerAddress => ({ workchain: BigInt(a.workchain), id: a.hash });

/** A wallet name from the keystore, or an address in any form. */
export async function resolveTarget(ctx: CliContext, text: string): Promise<Target> {
  if (isWalletName(text) && !text.includes(":")) {
    const keystore = keystoreOf(ctx);
    if (await keystore.exists(text)) {
      const info = await keystore.show(text);
      return { address: ledger(info.address), bounceable: false, name: text };
    }
  }
  let parsed: ReturnType<typeof parseAddress>;
  try {
    parsed = parseAddress(text);
  } catch (e) {
    if (isWalletName(text))
      throw new CliError("CLI_USAGE", `'${text}' is neither a wallet in the keystore nor an address`);
    throw e;
  }
  return {
    address: ledger(parsed.address),
    bounceable: parsed.form === "friendly" ? (parsed.bounceable ?? null) : null,
    name: null,
  };
}

export const rawOf = (a: LedgerAddress) => `${a.workchain}:${toHex(a.id)}`;

/** The friendly form (mainnet flags) of a ledger address. */
export const friendlyOf = (a: LedgerAddress, bounceable: boolean) =>
  formatFriendly({ workchain: Number(a.workchain), hash: a.id }, { bounceable, testnet: false });

interface ConfigAnswer {
  hash: string;
  encoded: string;
}

/**
 * The validators this GRAM_HOME trusts for the node's network: pinned at first contact, then
 * carried forward through the key blocks after the pinned one (chain §3.1), each checked against
 * the set before it, so an election never asks the user to trust a node again.
 */
export async function trustedValidators(
  ctx: CliContext,
  client: RpcClient,
): Promise<{ validators: Validator[]; network: Uint8Array }> {
  const info = await client.call<{ genesis: string }>("getChainInfo");
  if (typeof info?.genesis !== "string" || fromHex(info.genesis)?.length !== 32)
    throw new CliError("CLI_BAD_ANSWER", "the node's chain info has no genesis hash");
  const network = fromHex(info.genesis) as Uint8Array;
  const dir = join(gramHome(ctx.io.env), "networks");
  const file = join(dir, `${info.genesis}.json`);
  let pinned: { validators: Validator[]; seqno: bigint } | null = null;
  try {
    const doc = JSON.parse(await readFile(file, "utf8")) as {
      validators: { publicKey: string; stake: string }[];
      seqno?: number;
    };
    pinned = {
      validators: doc.validators.map((v) => ({
        publicKey: fromHex(v.publicKey) as Uint8Array,
        stake: BigInt(v.stake),
      })),
      seqno: BigInt(doc.seqno ?? 0),
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new CliError("CLI_BAD_ANSWER", `cannot read ${file}: ${(e as Error).message}`);
  }
  let trusted = pinned;
  if (trusted === null) {
    // First contact: the genesis config, which block 0 names and the genesis hash pins.
    trusted = { validators: await genesisValidators(client, info.genesis), seqno: 0n };
  }
  const followed = await follow(client, trusted, network);
  if (pinned === null || followed.seqno !== pinned.seqno) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const doc = {
      seqno: Number(followed.seqno),
      validators: followed.validators.map((v) => ({
        publicKey: toHex(v.publicKey),
        stake: v.stake.toString(),
      })),
    };
    const { writeFileAtomic } = await import("../../node/datadir/index.ts");
    await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
  }
  return { network, validators: followed.validators };
}

/** The key blocks after `trusted`, 64 at a time, each checked against the set before it. */
async function follow(
  client: RpcClient,
  trusted: { validators: Validator[]; seqno: bigint },
  network: Uint8Array,
): Promise<{ validators: Validator[]; seqno: bigint }> {
  let at = trusted;
  for (;;) {
    const { keyBlocks } = await client.call<{ keyBlocks: KeyBlockJson[] }>("getKeyBlocks", {
      after: Number(at.seqno),
    });
    if (!Array.isArray(keyBlocks) || keyBlocks.length === 0) return at;
    try {
      at = followKeyBlocks(at, keyBlocks, network);
    } catch (e) {
      if (e instanceof ProofError) throw new CliError("CLI_BAD_ANSWER", e.message);
      throw e;
    }
  }
}

/** The validators of the genesis config: those block 0 names, checked against its hash. */
async function genesisValidators(client: RpcClient, genesis: string): Promise<Validator[]> {
  const block = await client.call<{ hash: string; encodedHeader: string }>("getBlock", {
    masterchain: true,
    seqno: 0,
  });
  const header = decode(BlockHeader, fromHex(block.encodedHeader ?? "") ?? new Uint8Array());
  if (toHex(hashOf(BlockHeader, header)) !== genesis || block.hash !== genesis)
    throw new CliError("CLI_BAD_ANSWER", "the node's block 0 is not its genesis");
  const cfg = await client.call<ConfigAnswer>("getConfigByHash", { hash: toHex(header.configHash) });
  const bytes = fromHex(cfg?.encoded ?? "");
  if (bytes === null) throw new CliError("CLI_BAD_ANSWER", "the node's config answer is malformed");
  const config = decode(ChainConfig, bytes);
  if (toHex(hashOf(ChainConfig, config)) !== toHex(header.configHash))
    throw new CliError("CLI_BAD_ANSWER", "the node's genesis config does not match its hash");
  return config.validators;
}
