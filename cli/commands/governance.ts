// `gram config get [PARAM]`, `gram propose PARAM VALUE --wallet W`, `gram proposals` and
// `gram vote ID --validator-key K`: the protocol parameters and how they change (specs/config.md).
// A proposal is checked here as the config contract would check it, so a bad value never costs
// its fee; a vote is an external message signed with the validator key, checked by the node
// before it takes it, so a refused vote costs nothing either.
import type { Command } from "commander";
import { fromHex, toHex } from "../../node/bytes/index.ts";
import { ChainConfig } from "../../node/chain/index.ts";
import { decode, encode, t } from "../../node/codec/index.ts";
import { sha256, sign } from "../../node/crypto/index.ts";
import { Message } from "../../node/ledger/index.ts";
import { RpcClientError } from "../../node/rpcclient/index.ts";
import {
  CONFIG_ADDRESS,
  CONFIG_EXIT,
  CONFIG_EXIT_TEXT,
  CONFIG_OP,
  MAX_PROPOSALS,
  PARAMS,
  paramSpec,
  paramsError,
  voteMessage,
  withParam,
} from "../../node/system/index.ts";
import { formatGrams } from "../../node/units/index.ts";
import { SEND_MODE } from "../../vm/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, ledger, rawOf } from "./remote.ts";
import {
  bounceFrom,
  type ConfigAnswer,
  genesisOf,
  KEY_FILE,
  paramsOf,
  pollUntil,
  readValidatorKey,
  sendTimeout,
  timeText,
} from "./systemSend.ts";
import { type StatusAnswer, sendFromWallet } from "./walletSend.ts";

/** How long a proposal stays open unless told (or voting.maxSeconds, when that is shorter). */
const DEFAULT_EXPIRES_IN = 600;
/** rpc §4.2: the mempool is full for now. */
const BUSY = -32012;

export interface ProposalAnswer {
  id: number;
  param: string;
  value: string;
  by: string;
  createdAt: number;
  expiresAt: number;
  critical: boolean;
  wins: number;
  losses: number;
  minWins: number;
  maxLosses: number;
  votedStake: string;
  voters: string[];
}

export interface ProposalsAnswer {
  version: number;
  totalStake: string;
  proposals: ProposalAnswer[];
}

const knownNames = () => PARAMS.map((p) => p.name).join(", ");

/** A parameter's name, or a usage error listing the names there are. */
export function parseParamName(name: string) {
  const spec = paramSpec(name);
  if (spec === null) throw usageError(`no parameter is named '${name}'; the parameters are: ${knownNames()}`);
  return spec;
}

/** A proposal's value: a whole number in the parameter's range (config §2.1). */
export function parseParamValue(name: string, text: string): bigint {
  const spec = parseParamName(name);
  if (!/^(0|[1-9][0-9]{0,25})$/.test(text))
    throw usageError(
      `'${text}' is not a whole number; ${name} takes an integer (nanograms for amounts, seconds for times, millionths for shares)`,
    );
  const value = BigInt(text);
  if (value < spec.min || value > spec.max)
    throw usageError(`${name} must be between ${spec.min} and ${spec.max}, not ${value}`);
  return value;
}

/** A whole number of seconds, or of a proposal's number. */
function wholeArg(text: string, what: string, min: number): number {
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) < min)
    throw usageError(`${what} must be a whole number${min > 0 ? ` of at least ${min}` : ""}, not '${text}'`);
  return Number(text);
}

/** The exit codes of the config contract as people read them. */
function configReason(exit: number | null | undefined): string {
  if (typeof exit !== "number") return "the config contract refused it";
  return CONFIG_EXIT_TEXT[exit] ?? `the config contract refused it with exit code ${exit}`;
}

export const governanceCommands: CommandGroup = {
  name: "governance",
  register(program, ctx) {
    const config = program.command("config").description("the protocol parameters in force, by name");
    config
      .command("get")
      .description("print the parameters in force, or one of them")
      .argument("[param]", "a parameter's dotted name, e.g. stakes.min")
      .action(async (param: string | undefined, _o: unknown, cmd: Command) => {
        if (param !== undefined) parseParamName(param);
        const params = paramsOf(await clientOf(cmd).call<ConfigAnswer>("getConfig"));
        const shown = param === undefined ? params : { [param]: params[param] };
        outputOf(ctx, cmd).result(shown, () =>
          Object.entries(shown)
            .map(([k, v]) => `${k} = ${v}`)
            .join("\n"),
        );
      });

    program
      .command("propose")
      .description(
        "propose a new value for a parameter, paying voting.proposalFee from a wallet; prints the proposal's number",
      )
      .argument("<param>", "the parameter's dotted name (see 'gram config get')")
      .argument("<value>", "an integer: nanograms for amounts, seconds for times, millionths for shares")
      .requiredOption("--wallet <name>", "wallet in the keystore that pays the fee", parseWalletName)
      .option(
        "--expires-in <seconds>",
        `how long the proposal stays open (default ${DEFAULT_EXPIRES_IN}, or voting.maxSeconds when shorter)`,
      )
      .option("--timeout <seconds>", "how long the signed message stays valid, and each wait", "60")
      .action((param: string, value: string, opts: ProposeOptions, cmd: Command) =>
        propose(ctx, cmd, param, value, opts),
      );

    program
      .command("proposals")
      .description("the open proposals, with their votes in the round in force")
      .action(async (_o: unknown, cmd: Command) => {
        const list = await clientOf(cmd).call<ProposalsAnswer>("getProposals");
        outputOf(ctx, cmd).result(list as never, () => proposalsText(list));
      });

    program
      .command("vote")
      .description("vote for a proposal with a validator key of the set in force; waits until final")
      .argument("<id>", "the proposal's number (see 'gram proposals')")
      .requiredOption(
        "--validator-key <path>",
        `the validator's key: a node's data directory, or its ${KEY_FILE}`,
      )
      .option("--timeout <seconds>", "how long to wait for the vote to be final", "60")
      .action((id: string, opts: { validatorKey: string; timeout: string }, cmd: Command) =>
        vote(ctx, cmd, id, opts),
      );
  },
};

interface ProposeOptions {
  wallet: string;
  expiresIn?: string;
  timeout: string;
}

async function propose(ctx: CliContext, cmd: Command, name: string, valueText: string, opts: ProposeOptions) {
  const value = parseParamValue(name, valueText);
  const timeout = sendTimeout(opts.timeout);
  const expiresIn = opts.expiresIn === undefined ? undefined : wholeArg(opts.expiresIn, "--expires-in", 1);
  const info = await keystoreOf(ctx).show(opts.wallet);
  const wallet = ledger(info.address);
  const raw = rawOf(wallet);
  const client = clientOf(cmd);
  const [answer, chain, before] = await Promise.all([
    client.call<ConfigAnswer>("getConfig"),
    client.call<{ masterchain: { time: number } }>("getChainInfo"),
    client.call<ProposalsAnswer>("getProposals"),
  ]);
  // The contract's own checks (config §4.1), on the parameters in force.
  const params = paramsOf(answer);
  const encoded = fromHex(answer.encoded ?? "");
  if (encoded === null) throw new CliError("CLI_BAD_ANSWER", "the node's config answer is malformed");
  const current = decode(ChainConfig, encoded);
  const why = paramsError(withParam(current, name, value));
  if (why !== null) throw usageError(`${name} = ${value} would break a rule between the parameters: ${why}`);
  const maxSeconds = Number(params["voting.maxSeconds"]);
  const seconds = expiresIn ?? Math.min(DEFAULT_EXPIRES_IN, maxSeconds);
  if (seconds > maxSeconds)
    throw usageError(
      `--expires-in ${seconds} is longer than a proposal may stay open (voting.maxSeconds), ${maxSeconds} s`,
    );
  if (before.proposals.length >= MAX_PROPOSALS)
    throw new CliError(
      "CLI_TX_FAILED",
      `${CONFIG_EXIT_TEXT[CONFIG_EXIT.TOO_MANY_PROPOSALS]} (${MAX_PROPOSALS}); wait for one to close`,
    );
  // The chain's clock, not ours: the contract takes an expiry within maxSeconds of its block.
  const expiresAt = BigInt(chain.masterchain.time) + BigInt(seconds);
  const fee = BigInt(params["voting.proposalFee"]);
  const known = new Set(before.proposals.map((p) => p.id));

  const sent = await sendFromWallet(
    ctx,
    cmd,
    opts.wallet,
    [
      {
        to: CONFIG_ADDRESS,
        valueNano: fee,
        body: [CONFIG_OP.PROPOSE, new TextEncoder().encode(name), value, expiresAt],
        bounce: true,
        // The wallet pays the forwarding on top, so the fee arrives whole.
        mode: SEND_MODE.PAY_FEES_SEPARATELY,
      },
    ],
    { wait: true, timeout: opts.timeout },
  );
  if (sent.kind !== "final") throw new Error("propose: a waited-for send came back not final");
  const afterLt = BigInt(sent.tx.lt);
  const proposal = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the proposal was sent (transaction ${sent.tx.hash}) but did not show within ${timeout} s; see 'gram proposals'`,
    async () => {
      const exit = await bounceFrom(client, wallet, CONFIG_ADDRESS, afterLt, CONFIG_OP.PROPOSE);
      if (exit !== null)
        throw new CliError(
          "CLI_TX_FAILED",
          `the config contract refused the proposal: ${configReason(exit)}; what was left of the fee came back to ${opts.wallet}`,
        );
      const list = await client.call<ProposalsAnswer>("getProposals");
      return list.proposals.find(
        (p) => !known.has(p.id) && p.param === name && p.value === value.toString() && p.by === raw,
      );
    },
  );
  outputOf(ctx, cmd).result(
    {
      id: proposal.id,
      param: proposal.param,
      value: proposal.value,
      by: proposal.by,
      expiresAt: proposal.expiresAt,
      critical: proposal.critical,
      fee: fee.toString(),
      transaction: sent.tx.hash,
    },
    () =>
      [
        `Proposal ${proposal.id}: ${name} = ${value} (now ${params[name]}), open until ${timeText(proposal.expiresAt, proposal.createdAt)}.`,
        `Paid ${formatGrams(fee)} Gram from ${opts.wallet} (transaction ${sent.tx.hash}).`,
        `Validators vote for it with 'gram vote ${proposal.id} --validator-key <key>'.`,
      ].join("\n"),
  );
}

function proposalsText(list: ProposalsAnswer): string {
  if (list.proposals.length === 0) return "No open proposals.";
  const total = BigInt(list.totalStake);
  const now = Math.floor(Date.now() / 1000);
  const rows: string[][] = [
    ["id", "parameter", "value", "expires", "won", "lost", "voted stake (3/4 wins a round)"],
  ];
  for (const p of list.proposals) {
    const share = total === 0n ? 0 : Number((BigInt(p.votedStake) * 10_000n) / total) / 100;
    rows.push([
      String(p.id),
      `${p.param}${p.critical ? " (critical)" : ""}`,
      p.value,
      timeText(p.expiresAt, now),
      `${p.wins} of ${p.minWins} needed`,
      `${p.losses} of ${p.maxLosses} allowed`,
      `${share.toFixed(2)}%`,
    ]);
  }
  return formatTable(rows);
}

async function vote(
  ctx: CliContext,
  cmd: Command,
  idText: string,
  opts: { validatorKey: string; timeout: string },
) {
  const id = wholeArg(idText, "a proposal's number", 1);
  const timeout = sendTimeout(opts.timeout);
  const key = await readValidatorKey(opts.validatorKey);
  const keyHex = toHex(key.publicKey);
  const client = clientOf(cmd);
  const [list, config, genesis] = await Promise.all([
    client.call<ProposalsAnswer>("getProposals"),
    client.call<ConfigAnswer>("getConfig"),
    genesisOf(client),
  ]);
  const proposal = list.proposals.find((p) => p.id === id);
  if (proposal === undefined)
    throw new CliError(
      "CLI_TX_FAILED",
      `${CONFIG_EXIT_TEXT[CONFIG_EXIT.NO_PROPOSAL]} (${id}); see 'gram proposals'`,
    );
  if (!config.validators.some((v) => v.publicKey === keyHex))
    throw new CliError("CLI_TX_FAILED", `${CONFIG_EXIT_TEXT[CONFIG_EXIT.NOT_VALIDATOR]} (key ${keyHex})`);
  if (proposal.voters.includes(keyHex))
    throw new CliError("CLI_TX_FAILED", `${CONFIG_EXIT_TEXT[CONFIG_EXIT.ALREADY_VOTED]} (proposal ${id})`);

  // Signed for the validator round in force: a vote of each round is a message of its own.
  const round = BigInt(config.validatorsUntil);
  const signature = sign(voteMessage(genesis, BigInt(id), round), key.secretKey);
  const message: Message = {
    kind: "externalIn",
    dest: CONFIG_ADDRESS,
    body: encode(t.vmValue, [CONFIG_OP.VOTE, BigInt(id), round, key.publicKey, signature]),
    init: null,
  };
  const bytes = encode(Message, message);
  const hash = toHex(sha256(bytes));
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    try {
      await client.call("sendMessage", { message: toHex(bytes) });
      break;
    } catch (e) {
      if (!(e instanceof RpcClientError)) throw e;
      const data = (e.data ?? {}) as { reason?: string; exitCode?: number | null };
      if (e.code === BUSY && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (data.reason === "MEMPOOL_ALREADY_DONE")
        throw new CliError(
          "CLI_TX_FAILED",
          `this key's vote for proposal ${id} in this round is already in a final block`,
        );
      if (typeof data.exitCode === "number")
        throw new CliError("CLI_TX_FAILED", `the vote was refused: ${configReason(data.exitCode)}`);
      throw new CliError("CLI_TX_FAILED", `the node refused the vote: ${e.message}`);
    }
  }
  const status = await pollUntil(
    deadline,
    () => `vote ${hash} is not final after ${timeout} s; see 'gram proposals'`,
    async () => {
      const s = await client.call<StatusAnswer>("getMessageStatus", { hash });
      return s.status === "final" || s.status === "refused" ? s : undefined;
    },
  );
  if (status.status === "refused")
    throw new CliError(
      "CLI_TX_FAILED",
      `the vote was refused: ${typeof status.exitCode === "number" ? configReason(status.exitCode) : status.reason}`,
    );
  if (status.success === false)
    throw new CliError("CLI_TX_FAILED", `the vote's transaction failed: ${configReason(status.exitCode)}`);
  const after = (await client.call<ProposalsAnswer>("getProposals")).proposals.find((p) => p.id === id);
  outputOf(ctx, cmd).result(
    {
      proposal: id,
      publicKey: keyHex,
      status: "final",
      transaction: status.transaction ?? null,
      open: after !== undefined,
      wins: after?.wins ?? null,
    },
    () =>
      [
        `Voted for proposal ${id} (${proposal.param} = ${proposal.value}) with validator key ${keyHex}; transaction ${status.transaction}.`,
        after === undefined
          ? `It is no longer open: it passed (or failed); see 'gram config get ${proposal.param}'.`
          : `It has won ${after.wins} of the ${after.minWins} rounds it needs.`,
      ].join("\n"),
  );
}
