// `gram stake AMOUNT --wallet W --validator-key K`, `gram stake recover --wallet W`,
// `gram validators` and `gram elections`: staking through the elector (specs/staking.md). A stake
// is checked against the open election before anything is signed, sent from a keystore wallet
// with the validator key's proof of possession, and followed until the elector shows the offer or
// bounces it with its reason.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command, Option } from "commander";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { type KeyPair, keyPairFromSeed, sign } from "../../node/crypto/index.ts";
import { BOUNCE_TAG } from "../../node/execution/index.ts";
import type { LedgerAddress } from "../../node/ledger/index.ts";
import type { RpcClient } from "../../node/rpcclient/index.ts";
import {
  ELECTOR_ADDRESS,
  ELECTOR_EXIT,
  ELECTOR_EXIT_TEXT,
  ELECTOR_OP,
  stakeProofMessage,
} from "../../node/system/index.ts";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, ledger, rawOf, resolveTarget } from "./remote.ts";
import { sendFromWallet, timeoutOf } from "./walletSend.ts";

/** What `stake recover` sends for the elector's fees; the elector sends it back with the credit. */
const RECOVER_VALUE = 100_000_000n;
/** The file `gram node init` keeps the validator key in (chain §6.1). */
const KEY_FILE = "validator.json";
const POLL_MS = 200;

// ---- The RPC answers these commands read (rpc §2.13–§2.15) ----

export interface MemberAnswer {
  publicKey: string;
  stake: string;
  weight: number;
  wallet: string | null;
  reward: string;
  fine: string;
}

export interface RoundAnswer {
  since: number;
  until: number;
  members: MemberAnswer[];
  removed: MemberAnswer[];
}

export interface ValidatorsAnswer {
  current: RoundAnswer | null;
  next: RoundAnswer | null;
}

export interface ElectionsAnswer {
  now: number;
  election: {
    electAt: number;
    closeAt: number;
    offers: { publicKey: string; stake: string; wallet: string }[];
  } | null;
  nextElectionAt: number;
  frozen: { releaseAt: number; round: RoundAnswer }[];
  held: string;
  pot: string;
  roundsPaid: number;
  lastReward: string;
  credit?: string;
}

export interface ConfigAnswer {
  hash: string;
  encoded: string;
  validators: { publicKey: string; stake: string }[];
  version: number;
  validatorsSince: number;
  validatorsUntil: number;
  params?: Record<string, string | number>;
}

/** A transaction of a wallet's history, with what this module reads of its inbound message. */
interface HistoryTx {
  hash: string;
  lt: string;
  inMsg: { type: string; src?: string; bounced?: boolean; body?: unknown };
}

// ---- Shared with governance.ts ----

/** The node's parameters by name (rpc §2.2's `params`); an older node's answer has none. */
export function paramsOf(config: ConfigAnswer): Record<string, string | number> {
  if (config.params === undefined || typeof config.params !== "object")
    throw new CliError(
      "CLI_BAD_ANSWER",
      "the node's getConfig answer has no parameters by name; is it older than this gram?",
    );
  return config.params;
}

/** The network's genesis hash: what proofs of possession and votes are signed for. */
export async function genesisOf(client: RpcClient): Promise<Uint8Array> {
  const info = await client.call<{ genesis?: string }>("getChainInfo");
  const bytes = typeof info?.genesis === "string" ? fromHex(info.genesis) : null;
  if (bytes === null || bytes.length !== 32)
    throw new CliError("CLI_BAD_ANSWER", "the node's chain info has no genesis hash");
  return bytes;
}

/**
 * The validator key at `path`: a key file (`{"seed": "<64 hex>"}`, as `gram node init` writes
 * `validator.json`) or a node's data directory holding one.
 */
export async function readValidatorKey(path: string): Promise<KeyPair> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, KEY_FILE);
  } catch (e) {
    throw usageError(`--validator-key ${path}: ${fsReason(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    if (file !== path && (e as NodeJS.ErrnoException).code === "ENOENT")
      throw usageError(
        `--validator-key ${path} is a directory without ${KEY_FILE}; give a node's data directory or its key file`,
      );
    if (e instanceof SyntaxError) throw usageError(`--validator-key ${file} is not a JSON key file`);
    throw usageError(`--validator-key ${file}: ${fsReason(e)}`);
  }
  const o = (typeof doc === "object" && doc !== null ? doc : {}) as { seed?: unknown; publicKey?: unknown };
  const seed = typeof o.seed === "string" ? fromHex(o.seed) : null;
  if (seed === null || seed.length !== 32)
    throw usageError(`--validator-key ${file} has no "seed" of 64 hex digits; is it a validator key file?`);
  const key = keyPairFromSeed(seed);
  if (typeof o.publicKey === "string" && o.publicKey.toLowerCase() !== toHex(key.publicKey))
    throw usageError(`--validator-key ${file}: its "publicKey" is not the key of its "seed"`);
  return key;
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return code ?? String((e as Error).message ?? e);
}

/** `--timeout` as whole seconds, checked as every sending command checks it. */
export function sendTimeout(timeout: string): number {
  return timeoutOf({ wait: true, timeout });
}

/** Polls `check` until it answers, or fails with `late` once `deadline` (ms) has passed. */
export async function pollUntil<T>(
  deadline: number,
  late: () => string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new CliError("CLI_TIMEOUT", late());
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The first item of a VM value in rpc §3's JSON, when it is a Tuple led by an Int. */
function opOf(body: unknown): bigint | null {
  const items = (body as { tuple?: unknown[] } | null)?.tuple;
  const first = Array.isArray(items) ? (items[0] as { int?: unknown } | undefined) : undefined;
  return typeof first?.int === "string" ? BigInt(first.int) : null;
}

/** Item `i` of a Tuple in rpc §3's JSON, when it is an Int. */
function intItem(body: unknown, i: number): bigint | null {
  const items = (body as { tuple?: unknown[] } | null)?.tuple;
  const item = Array.isArray(items) ? (items[i] as { int?: unknown } | undefined) : undefined;
  return typeof item?.int === "string" ? BigInt(item.int) : null;
}

/** The newest transactions of `wallet` after lt `afterLt`, oldest first. */
async function historyAfter(client: RpcClient, wallet: LedgerAddress, afterLt: bigint): Promise<HistoryTx[]> {
  const list = await client.call<HistoryTx[]>("getTransactions", { address: rawOf(wallet), limit: 20 });
  return list.filter((tx) => BigInt(tx.lt) > afterLt).reverse();
}

/**
 * The exit code with which `from` bounced a message of operation `op` back to `wallet` after lt
 * `afterLt` (the bounced body is `[0xffffffff, original body, phase, exit code]`, ledger §6.6), or
 * null when the wallet's history shows no such bounce.
 */
export async function bounceFrom(
  client: RpcClient,
  wallet: LedgerAddress,
  from: LedgerAddress,
  afterLt: bigint,
  op: bigint,
): Promise<number | null> {
  for (const tx of await historyAfter(client, wallet, afterLt)) {
    const m = tx.inMsg;
    if (m.type !== "internal" || m.bounced !== true || m.src !== rawOf(from)) continue;
    if (opOf(m.body) !== BOUNCE_TAG) continue;
    const original = (m.body as { tuple: unknown[] }).tuple[1];
    if (opOf(original) !== op) continue;
    const exit = intItem(m.body, 3);
    return exit === null ? -1 : Number(exit);
  }
  return null;
}

/** A unix time for people: its UTC date and how far it is from `now`. */
export function timeText(at: number, now: number): string {
  const date = new Date(at * 1000).toISOString().replace(/\.000Z$/, "Z");
  const d = at - now;
  if (d === 0) return `${date} (now)`;
  return d > 0 ? `${date} (in ${spanText(d)})` : `${date} (${spanText(-d)} ago)`;
}

function spanText(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    if (rest >= size || (size === 1 && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

const now = () => Math.floor(Date.now() / 1000);

/** A share in billionths as a percentage for people. */
const percent = (billionths: number) => `${(billionths / 10_000_000).toFixed(2)}%`;

// ---- The commands ----

interface StakeOptions {
  wallet?: string;
  validatorKey?: string;
  timeout: string;
}

export const stakingCommands: CommandGroup = {
  name: "staking",
  register(program, ctx) {
    const stake = program
      .command("stake")
      .description(
        "offer a stake in the open election from a wallet, for a validator key; waits until the elector shows it",
      )
      .argument("<amount>", "Grams to stake, up to 9 decimals; at least the chain's stakes.min")
      .option(
        "--wallet <name>",
        "wallet in the keystore that sends the stake (and gets it back)",
        parseWalletName,
      )
      .option("--validator-key <path>", `the validator's key: a node's data directory, or its ${KEY_FILE}`)
      .option("--timeout <seconds>", "how long the signed message stays valid, and each wait", "60")
      .usage(
        "<amount> --wallet <name> --validator-key <path> [options]\n       gram stake recover --wallet <name>",
      )
      .addHelpText(
        "after",
        `
Examples:
  gram stake 10000 --wallet alice --validator-key ~/gram-node
  gram stake recover --wallet alice     (take back stakes the elector returned, and rewards)`,
      )
      .action((amount: string, opts: StakeOptions, cmd: Command) => stakeAction(ctx, cmd, amount, opts));

    const recover = stake
      .command("recover")
      .description("take back what the elector holds for a wallet: returned stakes with their rewards")
      .option("--wallet <name>", "wallet in the keystore to recover for", parseWalletName)
      .option("--timeout <seconds>", "how long the signed message stays valid, and each wait", "60")
      .action((_o: unknown, cmd: Command) => {
        // Options after `recover` reach `stake` first, which takes the ones it shares with it.
        const given = (name: string): string | undefined =>
          cmd.getOptionValueSource(name) === "cli" || stake.getOptionValueSource(name) !== "cli"
            ? cmd.getOptionValue(name)
            : stake.getOptionValue(name);
        if (stake.getOptionValue("validatorKey") !== undefined)
          throw usageError("'gram stake recover' takes no --validator-key: it recovers for a wallet");
        const wallet = given("wallet");
        if (wallet === undefined) throw usageError("'gram stake recover' needs --wallet <name>");
        return recoverAction(ctx, cmd, wallet, given("timeout") as string);
      });
    // Its help lists the program's options as global ones, not `stake`'s, which it does not take.
    recover.configureHelp({
      ...stake.configureHelp(),
      visibleGlobalOptions: (c: Command) => {
        const out: Option[] = [];
        for (let a = c.parent; a !== null; a = a.parent)
          if (a !== stake) out.push(...a.options.filter((o) => !o.hidden));
        return out;
      },
    });

    program
      .command("validators")
      .description("the validator set in force and the one elected next, with stakes and weights")
      .action(async (_o: unknown, cmd: Command) => validatorsAction(ctx, cmd));

    program
      .command("elections")
      .description(
        "the election (open or when the next opens), frozen stakes, the reward pot and rounds paid",
      )
      .option("--wallet <target>", "also show what the elector holds for this wallet or address to recover")
      .action(async (opts: { wallet?: string }, cmd: Command) => electionsAction(ctx, cmd, opts.wallet));
  },
};

/** When the next election opens, for people: after the set in force, or after the elected one. */
async function nextOpeningText(client: RpcClient, el: ElectionsAnswer): Promise<string> {
  if (el.nextElectionAt > el.now) return timeText(el.nextElectionAt, el.now);
  const v = await client.call<ValidatorsAnswer>("getValidators");
  if (v.next !== null) {
    const openBefore = Number(paramsOf(await client.call<ConfigAnswer>("getConfig"))["elections.openBefore"]);
    return timeText(v.next.until - openBefore, el.now);
  }
  return "the next masterchain block";
}

async function stakeAction(ctx: CliContext, cmd: Command, amountText: string, opts: StakeOptions) {
  if (opts.wallet === undefined)
    throw usageError("'gram stake' needs --wallet <name>, the wallet that sends the stake");
  if (opts.validatorKey === undefined)
    throw usageError("'gram stake' needs --validator-key <path>, the key of the validator to stake for");
  const valueNano = parseGrams(amountText);
  const timeout = sendTimeout(opts.timeout);
  const key = await readValidatorKey(opts.validatorKey);
  const keyHex = toHex(key.publicKey);
  const info = await keystoreOf(ctx).show(opts.wallet);
  const wallet = ledger(info.address);
  const raw = rawOf(wallet);
  const client = clientOf(cmd);

  const [genesis, config, el] = await Promise.all([
    genesisOf(client),
    client.call<ConfigAnswer>("getConfig"),
    client.call<ElectionsAnswer>("getElections", { wallet: raw }),
  ]);
  const election = el.election;
  if (election === null)
    throw new CliError(
      "CLI_TX_FAILED",
      `no election is open; the next opens at ${await nextOpeningText(client, el)}`,
    );
  const min = BigInt(paramsOf(config)["stakes.min"]);
  if (valueNano < min)
    throw usageError(
      `a stake of ${formatGrams(valueNano)} Gram is below the chain's minimum (stakes.min), ${formatGrams(min)} Gram`,
    );
  const offer = election.offers.find((o) => o.publicKey === keyHex);
  if (offer !== undefined && offer.wallet !== raw)
    throw new CliError(
      "CLI_TX_FAILED",
      `validator key ${keyHex} has an offer from ${offer.wallet} in this election: ${ELECTOR_EXIT_TEXT[ELECTOR_EXIT.KEY_TAKEN]}`,
    );
  const before = offer === undefined ? 0n : BigInt(offer.stake);

  const electAt = BigInt(election.electAt);
  const signature = sign(stakeProofMessage(genesis, electAt, wallet), key.secretKey);
  const sent = await sendFromWallet(
    ctx,
    cmd,
    opts.wallet,
    [
      {
        to: ELECTOR_ADDRESS,
        valueNano,
        body: [ELECTOR_OP.STAKE, key.publicKey, signature],
        bounce: true,
      },
    ],
    { wait: true, timeout: opts.timeout },
  );
  if (sent.kind !== "final") throw new Error("stake: a waited-for send came back not final");
  const afterLt = BigInt(sent.tx.lt);

  // The elector takes the message a block or two later: the offer grows, or the Grams bounce.
  let closedPolls = 0;
  const taken = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the stake was sent (transaction ${sent.tx.hash}) but the elector showed no offer for ${keyHex} within ${timeout} s; see 'gram elections'`,
    async () => {
      const exit = await bounceFrom(client, wallet, ELECTOR_ADDRESS, afterLt, ELECTOR_OP.STAKE);
      if (exit !== null)
        throw new CliError(
          "CLI_TX_FAILED",
          `the elector refused the stake: ${ELECTOR_EXIT_TEXT[exit] ?? `exit code ${exit}`}; what was left of the ${formatGrams(valueNano)} Gram came back to ${opts.wallet}`,
        );
      const now = await client.call<ElectionsAnswer>("getElections");
      const e = now.election;
      if (e !== null && e.electAt === election.electAt) {
        const o = e.offers.find((x) => x.publicKey === keyHex && x.wallet === raw);
        if (o !== undefined && BigInt(o.stake) >= before + valueNano) return { offer: o, election: e };
        return undefined;
      }
      // The election closed after the stake was sent; give a bounce a few polls to show.
      if (++closedPolls < 10) return undefined;
      throw new CliError(
        "CLI_TX_FAILED",
        `the election closed after the stake was sent (transaction ${sent.tx.hash}); see 'gram validators' and 'gram elections --wallet ${opts.wallet}' for where it went`,
      );
    },
  );
  const total = BigInt(taken.offer.stake);
  outputOf(ctx, cmd).result(
    {
      publicKey: keyHex,
      wallet: raw,
      stake: total.toString(),
      electAt: taken.election.electAt,
      closeAt: taken.election.closeAt,
      transaction: sent.tx.hash,
    },
    () =>
      formatTable([
        ["staked", `${formatGrams(valueNano)} Gram from ${opts.wallet}`],
        ["validator key", keyHex],
        ["offer", `${formatGrams(total)} Gram in all`],
        ["election", `for the round from ${timeText(taken.election.electAt, now())}`],
        ["closes", timeText(taken.election.closeAt, now())],
        ["transaction", sent.tx.hash],
      ]),
  );
}

async function recoverAction(ctx: CliContext, cmd: Command, name: string, timeoutText: string) {
  const timeout = sendTimeout(timeoutText);
  const info = await keystoreOf(ctx).show(name);
  const wallet = ledger(info.address);
  const raw = rawOf(wallet);
  const client = clientOf(cmd);
  const el = await client.call<ElectionsAnswer>("getElections", { wallet: raw });
  if (BigInt(el.credit ?? "0") === 0n)
    throw new CliError("CLI_TX_FAILED", `the elector holds nothing for ${name} to recover`);
  const sent = await sendFromWallet(
    ctx,
    cmd,
    name,
    [{ to: ELECTOR_ADDRESS, valueNano: RECOVER_VALUE, body: [ELECTOR_OP.RECOVER], bounce: true }],
    { wait: true, timeout: timeoutText },
  );
  if (sent.kind !== "final") throw new Error("stake recover: a waited-for send came back not final");
  const afterLt = BigInt(sent.tx.lt);
  // The elector answers with [RECOVERED, credit] and the credit (staking §3.3), or bounces.
  const recovered = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the request was sent (transaction ${sent.tx.hash}) but nothing came back from the elector within ${timeout} s; see 'gram history ${name}'`,
    async () => {
      for (const tx of await historyAfter(client, wallet, afterLt)) {
        const m = tx.inMsg;
        if (m.type !== "internal" || m.src !== rawOf(ELECTOR_ADDRESS)) continue;
        if (m.bounced === true && opOf(m.body) === BOUNCE_TAG) {
          const exit = Number(intItem(m.body, 3) ?? -1);
          throw new CliError(
            "CLI_TX_FAILED",
            `the elector refused: ${ELECTOR_EXIT_TEXT[exit] ?? `exit code ${exit}`}`,
          );
        }
        if (opOf(m.body) === ELECTOR_OP.RECOVERED) return { amount: intItem(m.body, 1) ?? 0n, tx: tx.hash };
      }
      return undefined;
    },
  );
  outputOf(ctx, cmd).result(
    { wallet: raw, recovered: recovered.amount.toString(), transaction: recovered.tx },
    () =>
      `Recovered ${formatGrams(recovered.amount)} Gram from the elector to ${name} (transaction ${recovered.tx}).`,
  );
}

function membersTable(members: readonly MemberAnswer[]): string {
  const rows: string[][] = [["public key", "stake (Gram)", "weight", "wallet"]];
  for (const m of members)
    rows.push([m.publicKey, formatGrams(BigInt(m.stake)), percent(m.weight), m.wallet ?? "(genesis)"]);
  return formatTable(rows)
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

function roundText(title: string, r: RoundAnswer, at: number): string {
  const lines = [
    `${title}: ${r.members.length} validator${r.members.length === 1 ? "" : "s"}, from ${timeText(r.since, at)} until ${timeText(r.until, at)}`,
    membersTable(r.members),
  ];
  if (r.removed.length > 0) lines.push("  removed for double signing:", membersTable(r.removed));
  return lines.join("\n");
}

async function validatorsAction(ctx: CliContext, cmd: Command) {
  const v = await clientOf(cmd).call<ValidatorsAnswer>("getValidators");
  if (v.current === null)
    throw new CliError("CLI_BAD_ANSWER", "the node's answer has no validator set in force");
  const round = (r: RoundAnswer | null) =>
    r === null ? null : { since: r.since, until: r.until, removed: r.removed as never };
  const at = now();
  outputOf(ctx, cmd).result(
    {
      current: v.current.members as never,
      next: (v.next?.members ?? []) as never,
      currentRound: round(v.current),
      nextRound: round(v.next),
    },
    () =>
      [
        roundText("Current set", v.current as RoundAnswer, at),
        v.next === null ? "Next set: none elected yet." : roundText("Next set", v.next, at),
      ].join("\n\n"),
  );
}

async function electionsAction(ctx: CliContext, cmd: Command, target: string | undefined) {
  const client = clientOf(cmd);
  const wallet = target === undefined ? undefined : rawOf((await resolveTarget(ctx, target)).address);
  const el = await client.call<ElectionsAnswer>("getElections", wallet === undefined ? {} : { wallet });
  const opening = el.election === null ? await nextOpeningText(client, el) : "";
  outputOf(ctx, cmd).result(el as never, () => {
    const rows: string[][] = [];
    const e = el.election;
    if (e === null) rows.push(["election", `none open; the next opens at ${opening}`]);
    else {
      let offered = 0n;
      for (const o of e.offers) offered += BigInt(o.stake);
      rows.push(
        ["election", `open, for the round from ${timeText(e.electAt, el.now)}`],
        ["takes stakes until", timeText(e.closeAt, el.now)],
        ["offers", `${e.offers.length}, ${formatGrams(offered)} Gram in all`],
      );
    }
    if (el.frozen.length === 0) rows.push(["frozen stakes", "none"]);
    for (const f of el.frozen) {
      let total = 0n;
      for (const m of [...f.round.members, ...f.round.removed])
        total += BigInt(m.stake) + BigInt(m.reward) - BigInt(m.fine);
      rows.push([
        "frozen stakes",
        `${formatGrams(total)} Gram of the round until ${timeText(f.round.until, el.now)}, released ${timeText(f.releaseAt, el.now)}`,
      ]);
    }
    rows.push(
      ["reward pot", `${formatGrams(BigInt(el.pot))} Gram`],
      ["held", `${formatGrams(BigInt(el.held))} Gram (stakes and credits)`],
      ["rounds paid", `${el.roundsPaid} (last reward ${formatGrams(BigInt(el.lastReward))} Gram)`],
    );
    if (el.credit !== undefined)
      rows.push(["to recover", `${formatGrams(BigInt(el.credit))} Gram for ${target}`]);
    const lines = [formatTable(rows)];
    if (e !== null && e.offers.length > 0) {
      const offers: string[][] = [["public key", "stake (Gram)", "wallet"]];
      for (const o of e.offers) offers.push([o.publicKey, formatGrams(BigInt(o.stake)), o.wallet]);
      lines.push(
        "",
        "Offers:",
        ...formatTable(offers)
          .split("\n")
          .map((l) => `  ${l}`),
      );
    }
    return lines.join("\n");
  });
}
