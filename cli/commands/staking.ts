// `gram stake AMOUNT --wallet W --validator-key K`, `gram stake recover --wallet W`,
// `gram validators` and `gram elections`: staking through the elector (specs/staking.md). A stake
// is checked against the open election before anything is signed, sent from a keystore wallet
// with the validator key's proof of possession, and followed until the elector shows the offer or
// bounces it with its reason.
import type { Command, Option } from "commander";
import { toHex } from "../../node/bytes/index.ts";
import { sign } from "../../node/crypto/index.ts";
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
import {
  bounceExit,
  bounceFrom,
  type ConfigAnswer,
  type ElectionsAnswer,
  genesisOf,
  historyAfter,
  intItem,
  KEY_FILE,
  type MemberAnswer,
  opOf,
  paramsOf,
  pollUntil,
  type RoundAnswer,
  readValidatorKey,
  sendTimeout,
  timeText,
  type ValidatorsAnswer,
} from "./systemSend.ts";
import { sendFromWallet } from "./walletSend.ts";

/** What `stake recover` sends for the elector's fees; the elector sends it back with the credit. */
const RECOVER_VALUE = 100_000_000n;

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
        const exit = bounceExit(m, ELECTOR_ADDRESS, ELECTOR_OP.RECOVER);
        if (exit !== null) {
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
