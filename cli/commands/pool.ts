// `gram pool create|deposit|withdraw|status|stake|recover`: nominator pools (staking §7). A pool is
// deployed from a wallet with its StateInit (its address is the hash of it), nominators deposit
// and withdraw, its owner makes it stake with the elector under the validator's key, and anyone
// asks for the stake back once its round is over. Each command checks what it can before signing,
// then follows its message: to the pool's transaction that took it (or the bounce it sent back,
// reported with the pool's or the elector's reason), and to the state change it was for.
import { type Command, InvalidArgumentError } from "commander";
import { equalBytes, fromHex, toHex } from "../../node/bytes/index.ts";
import { sha256, sign } from "../../node/crypto/index.ts";
import { fromVmAddress, type LedgerAddress, toVmAddress } from "../../node/ledger/index.ts";
import type { RpcClient } from "../../node/rpcclient/index.ts";
import {
  ELECTOR_ADDRESS,
  ELECTOR_EXIT_TEXT,
  ELECTOR_OP,
  nativeCode,
  POOL_EXIT,
  POOL_EXIT_TEXT,
  POOL_LIMITS,
  POOL_OP,
  type PoolConfig,
  poolAddress,
  poolStateInit,
  SYSTEM_EXIT,
  stakeProofMessage,
} from "../../node/system/index.ts";
import { formatGrams, parseGrams } from "../../node/units/index.ts";
import { type VmJson, vmToJson } from "../../node/vmjson/index.ts";
import type { Payment } from "../../node/wallet/index.ts";
import { type CliContext, type CommandGroup, keystoreOf, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { parseWalletName } from "./args.ts";
import { clientOf, friendlyOf, ledger, rawOf, resolveTarget } from "./remote.ts";
import {
  bounceExit,
  bounceFrom,
  type ConfigAnswer,
  type ElectionsAnswer,
  genesisOf,
  type HistoryTx,
  historyAfter,
  intItem,
  intOf,
  KEY_FILE,
  opOf,
  pollUntil,
  readValidatorKey,
  sendTimeout,
} from "./systemSend.ts";
import { sendFromWallet, type TxAnswer } from "./walletSend.ts";

/** The hash of the pool's code, as an account answer gives it (rpc §2.2): what tells a pool. */
const POOL_CODE_HASH = toHex(sha256(nativeCode("pool")));
const GRAM = 1_000_000_000n;
/** Sent with WITHDRAW: pays the pool's gas, and comes back with a withdrawal paid at once. */
const WITHDRAW_VALUE = GRAM / 2n;
/** Sent with STAKE: pays the pool's gas and the stake message's forwarding; the rest stays. */
const STAKE_VALUE = GRAM;
/** Sent with RECOVER: goes to the elector with the request and comes back with the stake. */
const RECOVER_VALUE = GRAM;
const PPM = 1_000_000;

const SYSTEM_EXIT_TEXT: Readonly<Record<number, string>> = {
  [SYSTEM_EXIT.BAD_BODY]: "the body is not one of the pool's operations",
  [SYSTEM_EXIT.NOT_HOME]: "the pool's code runs only at the address of its own config",
  13: "out of gas: the message's value did not pay for the run",
};

// ---- Parsing ----

/** `--fee`: a percentage of the profit, up to 4 decimals (1 ppm), as millionths. */
export function parseFeePercent(text: string): number {
  const m = /^(0|[1-9][0-9]{0,2})(?:\.([0-9]{1,4}))?$/.exec(text);
  const ppm = m === null ? -1 : Number(m[1]) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
  if (ppm < 0 || ppm > PPM)
    throw new InvalidArgumentError(
      "the owner's fee is a percentage in 0..100, up to 4 decimals (e.g. 10 or 12.5)",
    );
  return ppm;
}

/** Millionths as a percentage for people: 125000 → "12.5". */
export function percentOf(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  const frac = (ppm % 10_000).toString().padStart(4, "0").replace(/0+$/, "");
  return frac === "" ? `${whole}` : `${whole}.${frac}`;
}

// ---- Reading a pool through the node ----

interface AccountAnswer {
  status: string;
  balance: string;
  codeHash: string | null;
}

/** What `status` tells of a pool (staking §7), with its address and balance. */
export interface PoolView {
  address: LedgerAddress;
  balance: bigint;
  config: PoolConfig;
  staked: bigint;
  total: bigint;
  nominators: number;
}

/** Runs get-method `method` of `address`; a failed run is an error naming it. */
async function getMethod(client: RpcClient, address: LedgerAddress, method: string, args: VmJson[] = []) {
  const r = await client.call<{ exitCode: number; stack: VmJson[] }>("runGetMethod", {
    address: rawOf(address),
    method,
    args,
  });
  if (r.exitCode !== 0)
    throw new CliError(
      "CLI_BAD_ANSWER",
      `get-method ${method} of the pool ${rawOf(address)} failed with exit code ${r.exitCode}`,
    );
  return r.stack;
}

const bytesOf = (v: VmJson | undefined): Uint8Array | null =>
  v !== null && v !== undefined && "bytes" in v ? fromHex(v.bytes) : null;

/** The pool at `address`, or a failure saying why it is not one. */
export async function readPool(client: RpcClient, address: LedgerAddress): Promise<PoolView> {
  const raw = rawOf(address);
  const account = await client.call<AccountAnswer>("getAccount", { address: raw });
  if (account.status === "nonexist")
    throw new CliError("CLI_NOT_FOUND", `there is no pool at ${raw}: no account has that address`);
  if (account.status !== "active")
    throw new CliError(
      "CLI_NOT_FOUND",
      `there is no pool at ${raw}: the account is ${account.status}, with no code running`,
    );
  if (account.codeHash !== POOL_CODE_HASH)
    throw new CliError("CLI_NOT_FOUND", `${raw} is not a nominator pool: its code is not the pool's`);
  const s = await getMethod(client, address, "status");
  const key = bytesOf(s[0]);
  const ownerVm = bytesOf(s[1]);
  const owner = ownerVm === null ? null : fromVmAddress(ownerVm);
  const [feePpm, staked, total, count] = [intOf(s[2]), intOf(s[3]), intOf(s[4]), intOf(s[5])];
  if (
    key === null ||
    owner === null ||
    feePpm === null ||
    staked === null ||
    total === null ||
    count === null
  )
    throw new CliError("CLI_BAD_ANSWER", `the status of the pool ${raw} is not the pool's answer`);
  const config: PoolConfig = { validatorKey: key, owner, feePpm: Number(feePpm) };
  if (!equalBytes(poolAddress(config, address.workchain).id, address.id))
    throw new CliError("CLI_BAD_ANSWER", `the config the pool ${raw} reports is not that of its address`);
  return { address, balance: BigInt(account.balance), config, staked, total, nominators: Number(count) };
}

/** The share of `wallet` in the pool, pending deposits included (the `deposit` get-method). */
export async function shareOf(
  client: RpcClient,
  pool: LedgerAddress,
  wallet: LedgerAddress,
): Promise<bigint> {
  const s = await getMethod(client, pool, "deposit", [vmToJson(toVmAddress(wallet))]);
  const share = intOf(s[0]);
  if (share === null) throw new CliError("CLI_BAD_ANSWER", `the pool's deposit answer is not an amount`);
  return share;
}

// ---- Following a message to the pool ----

const poolExitText = (exit: number) => POOL_EXIT_TEXT[exit] ?? SYSTEM_EXIT_TEXT[exit] ?? `exit code ${exit}`;

interface Sending {
  ctx: CliContext;
  cmd: Command;
  pool: LedgerAddress;
  /** The keystore wallet that sends. */
  wallet: string;
  payment: Payment;
  /** The operation, for people: "deposit", "withdrawal", … */
  what: string;
  timeout: string;
}

/**
 * Sends the payment from the wallet and follows it to the pool's transaction that took it: that
 * transaction when it succeeded; a failure with the pool's reason when it failed, or when the
 * wallet's history shows the message bounced back.
 */
async function sendToPool(
  s: Sending,
): Promise<{ walletTx: TxAnswer; poolTx: HistoryTx; wallet: LedgerAddress }> {
  const timeout = sendTimeout(s.timeout);
  const op = (s.payment.body as bigint[])[0];
  const sent = await sendFromWallet(s.ctx, s.cmd, s.wallet, [s.payment], { wait: true, timeout: s.timeout });
  if (sent.kind !== "final") throw new Error("pool: a waited-for send came back not final");
  const client = clientOf(s.cmd);
  const afterLt = BigInt(sent.tx.lt);
  const from = rawOf(sent.wallet);
  const refused = (exit: number, bounced: boolean) =>
    new CliError(
      "CLI_TX_FAILED",
      `the pool refused the ${s.what}: ${poolExitText(exit)}${
        bounced
          ? `; what was left of the ${formatGrams(s.payment.valueNano)} Gram came back to ${s.wallet}`
          : ""
      }`,
    );
  const poolTx = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the ${s.what} was sent (transaction ${sent.tx.hash}) but the pool ${rawOf(s.pool)} did not take it within ${timeout} s; see 'gram history ${rawOf(s.pool)}'`,
    async () => {
      const exit = await bounceFrom(client, sent.wallet, s.pool, afterLt, op);
      if (exit !== null) throw refused(exit, true);
      const tx = (await historyAfter(client, s.pool, afterLt)).find(
        (x) => x.inMsg.type === "internal" && x.inMsg.src === from && opOf(x.inMsg.body) === op,
      );
      if (tx === undefined) return undefined;
      if (tx.compute.success !== true) throw refused(tx.compute.exitCode ?? -1, tx.bounced);
      return tx;
    },
  );
  return { walletTx: sent.tx, poolTx, wallet: sent.wallet };
}

async function poolOf(ctx: CliContext, client: RpcClient, text: string): Promise<PoolView> {
  return readPool(client, (await resolveTarget(ctx, text)).address);
}

// ---- The commands ----

interface SendOpts {
  wallet: string;
  timeout: string;
}

interface CreateOpts extends SendOpts {
  validatorKey: string;
  fee: number;
  owner?: string;
  amount: string;
}

const TIMEOUT_HELP = "how long the signed message stays valid, and each wait";

export const poolCommands: CommandGroup = {
  name: "pool",
  register(program, ctx) {
    const pool = program
      .command("pool")
      .description("nominator pools: lend a validator Grams to stake, and share its rewards");

    pool
      .command("create")
      .description("deploy a pool for a validator key from a wallet, and print its address")
      .requiredOption("--wallet <name>", "wallet in the keystore that deploys the pool", parseWalletName)
      .requiredOption(
        "--validator-key <path>",
        `the validator's key: a node's data directory, or its ${KEY_FILE}`,
      )
      .option(
        "--fee <percent>",
        "the owner's share of each profit, in percent (e.g. 10 or 12.5)",
        parseFeePercent,
        0,
      )
      .option(
        "--owner <wallet>",
        "the wallet (name or address) that stakes the pool and earns the fee; default --wallet",
      )
      .option("--amount <grams>", "Grams for the pool's reserve, which pays its fees", "2")
      .option("--timeout <seconds>", TIMEOUT_HELP, "60")
      .addHelpText(
        "after",
        `
Example:
  gram pool create --wallet alice --validator-key ~/gram-node --fee 10`,
      )
      .action((opts: CreateOpts, cmd: Command) => createAction(ctx, cmd, opts));

    pool
      .command("deposit")
      .description("deposit Grams in a pool from a wallet; they join its next stake")
      .argument("<pool>", "the pool's address")
      .argument(
        "<amount>",
        `Grams, at least ${formatGrams(POOL_LIMITS.MIN_DEPOSIT)}; the pool keeps ${formatGrams(POOL_LIMITS.DEPOSIT_FEE)} for its fees`,
      )
      .requiredOption("--wallet <name>", "wallet in the keystore that deposits", parseWalletName)
      .option("--timeout <seconds>", TIMEOUT_HELP, "60")
      .action((p: string, amount: string, opts: SendOpts, cmd: Command) =>
        depositAction(ctx, cmd, p, amount, opts),
      );

    pool
      .command("withdraw")
      .description("withdraw a wallet's whole share: at once, or when the pool's stake returns")
      .argument("<pool>", "the pool's address")
      .requiredOption("--wallet <name>", "wallet in the keystore whose share to withdraw", parseWalletName)
      .option("--timeout <seconds>", TIMEOUT_HELP, "60")
      .action((p: string, opts: SendOpts, cmd: Command) => withdrawAction(ctx, cmd, p, opts));

    pool
      .command("status")
      .description("a pool's validator key, owner, fee, stake and shares")
      .argument("<pool>", "the pool's address")
      .action((p: string, _o: unknown, cmd: Command) => statusAction(ctx, cmd, p));

    pool
      .command("stake")
      .description("as the pool's owner, stake its shares in the open election for its validator key")
      .argument("<pool>", "the pool's address")
      .requiredOption("--wallet <name>", "the pool's owner wallet, in the keystore", parseWalletName)
      .requiredOption(
        "--validator-key <path>",
        `the validator's key: a node's data directory, or its ${KEY_FILE}`,
      )
      .option("--timeout <seconds>", TIMEOUT_HELP, "60")
      .action((p: string, opts: SendOpts & { validatorKey: string }, cmd: Command) =>
        stakeAction(ctx, cmd, p, opts),
      );

    pool
      .command("recover")
      .description("ask the elector for the pool's stake once its round is over; the pool then shares it out")
      .argument("<pool>", "the pool's address")
      .requiredOption(
        "--wallet <name>",
        "wallet in the keystore that sends the request (any)",
        parseWalletName,
      )
      .option("--timeout <seconds>", TIMEOUT_HELP, "60")
      .action((p: string, opts: SendOpts, cmd: Command) => recoverAction(ctx, cmd, p, opts));
  },
};

async function createAction(ctx: CliContext, cmd: Command, opts: CreateOpts) {
  const valueNano = parseGrams(opts.amount);
  if (valueNano === 0n)
    throw usageError("--amount must be more than 0: the pool's first run is paid from it");
  sendTimeout(opts.timeout);
  const key = await readValidatorKey(opts.validatorKey);
  const info = await keystoreOf(ctx).show(opts.wallet);
  const owner =
    opts.owner === undefined ? ledger(info.address) : (await resolveTarget(ctx, opts.owner)).address;
  const config: PoolConfig = { validatorKey: key.publicKey, owner, feePpm: opts.fee };
  let init: ReturnType<typeof poolStateInit>;
  try {
    init = poolStateInit(config);
  } catch (e) {
    throw usageError(`--owner: ${(e as Error).message}`);
  }
  const address = poolAddress(config);
  const raw = rawOf(address);
  const friendly = friendlyOf(address, true);
  const client = clientOf(cmd);
  const before = await client.call<AccountAnswer>("getAccount", { address: raw });
  if (before.status === "active")
    throw new CliError(
      "CLI_TX_FAILED",
      `a pool with this validator key, owner and fee is already at ${friendly} (${raw})`,
    );
  if (before.status === "frozen") throw new CliError("CLI_TX_FAILED", `the account ${raw} is frozen`);
  const { poolTx } = await sendToPool({
    ctx,
    cmd,
    pool: address,
    wallet: opts.wallet,
    payment: { to: address, valueNano, init, body: [POOL_OP.TOP_UP], bounce: true },
    what: "deployment",
    timeout: opts.timeout,
  });
  const view = await readPool(client, address);
  outputOf(ctx, cmd).result(
    {
      address: friendly,
      raw,
      validatorKey: toHex(key.publicKey),
      owner: rawOf(owner),
      feePpm: opts.fee,
      transaction: poolTx.hash,
    },
    () =>
      formatTable([
        ["pool", friendly],
        ["raw", raw],
        ["validator key", toHex(key.publicKey)],
        ["owner", rawOf(owner)],
        ["fee", `${percentOf(opts.fee)}% of each profit`],
        ["reserve", `${formatGrams(view.balance)} Gram (from ${opts.wallet})`],
        ["transaction", poolTx.hash],
      ]),
  );
}

async function depositAction(ctx: CliContext, cmd: Command, target: string, amount: string, opts: SendOpts) {
  const valueNano = parseGrams(amount);
  if (valueNano < POOL_LIMITS.MIN_DEPOSIT)
    throw usageError(
      `a deposit of ${formatGrams(valueNano)} Gram is below the pool's minimum, ${formatGrams(POOL_LIMITS.MIN_DEPOSIT)} Gram`,
    );
  sendTimeout(opts.timeout);
  const client = clientOf(cmd);
  const pool = await poolOf(ctx, client, target);
  const raw = rawOf(pool.address);
  const { wallet } = await sendToPool({
    ctx,
    cmd,
    pool: pool.address,
    wallet: opts.wallet,
    payment: { to: pool.address, valueNano, body: [POOL_OP.DEPOSIT], bounce: true },
    what: "deposit",
    timeout: opts.timeout,
  });
  const [share, after] = await Promise.all([
    shareOf(client, pool.address, wallet),
    readPool(client, pool.address),
  ]);
  outputOf(ctx, cmd).result({ pool: raw, wallet: rawOf(wallet), deposit: share.toString() }, () =>
    [
      `Deposited ${formatGrams(valueNano)} Gram from ${opts.wallet} in the pool ${raw}: its share is now ${formatGrams(share)} Gram.`,
      after.staked > 0n ? "The pool's stake is out: the deposit joins it when the stake returns." : "",
    ]
      .filter((l) => l !== "")
      .join("\n"),
  );
}

async function withdrawAction(ctx: CliContext, cmd: Command, target: string, opts: SendOpts) {
  sendTimeout(opts.timeout);
  const client = clientOf(cmd);
  const pool = await poolOf(ctx, client, target);
  const raw = rawOf(pool.address);
  const self = ledger((await keystoreOf(ctx).show(opts.wallet)).address);
  const before = await shareOf(client, pool.address, self);
  if (before === 0n)
    throw new CliError(
      "CLI_TX_FAILED",
      `${opts.wallet} has no share in the pool ${raw}: ${POOL_EXIT_TEXT[POOL_EXIT.NOT_NOMINATOR]}`,
    );
  const { poolTx } = await sendToPool({
    ctx,
    cmd,
    pool: pool.address,
    wallet: opts.wallet,
    payment: { to: pool.address, valueNano: WITHDRAW_VALUE, body: [POOL_OP.WITHDRAW], bounce: true },
    what: "withdrawal",
    timeout: opts.timeout,
  });
  const waiting = await shareOf(client, pool.address, self);
  const paid = before > waiting ? before - waiting : 0n;
  outputOf(ctx, cmd).result(
    {
      pool: raw,
      wallet: rawOf(self),
      status: waiting === 0n ? "paid" : "waiting",
      paid: paid.toString(),
      waiting: waiting.toString(),
      transaction: poolTx.hash,
    },
    () =>
      waiting === 0n
        ? `Withdrew ${formatGrams(paid)} Gram from the pool ${raw}: paid to ${opts.wallet} at once.`
        : `${paid > 0n ? `Paid ${formatGrams(paid)} Gram of deposits waiting to ${opts.wallet} at once; the` : "The"} pool's stake is out: ${formatGrams(waiting)} Gram will be paid to ${opts.wallet} when the stake returns (after its round; see 'gram pool recover').`,
  );
}

async function statusAction(ctx: CliContext, cmd: Command, target: string) {
  const p = await poolOf(ctx, clientOf(cmd), target);
  const raw = rawOf(p.address);
  const friendly = friendlyOf(p.address, true);
  outputOf(ctx, cmd).result(
    {
      address: friendly,
      raw,
      validatorKey: toHex(p.config.validatorKey),
      owner: rawOf(p.config.owner),
      feePpm: p.config.feePpm,
      staked: p.staked.toString(),
      totalShares: p.total.toString(),
      nominators: p.nominators,
      balance: p.balance.toString(),
    },
    () =>
      formatTable([
        ["pool", friendly],
        ["raw", raw],
        ["validator key", toHex(p.config.validatorKey)],
        ["owner", rawOf(p.config.owner)],
        ["fee", `${percentOf(p.config.feePpm)}% of each profit`],
        ["staked", p.staked === 0n ? "nothing" : `${formatGrams(p.staked)} Gram with the elector`],
        [
          "shares",
          `${formatGrams(p.total)} Gram of ${p.nominators} nominator${p.nominators === 1 ? "" : "s"}`,
        ],
        ["balance", `${formatGrams(p.balance)} Gram`],
      ]),
  );
}

async function stakeAction(
  ctx: CliContext,
  cmd: Command,
  target: string,
  opts: SendOpts & { validatorKey: string },
) {
  const timeout = sendTimeout(opts.timeout);
  const key = await readValidatorKey(opts.validatorKey);
  const client = clientOf(cmd);
  const pool = await poolOf(ctx, client, target);
  const raw = rawOf(pool.address);
  const keyHex = toHex(key.publicKey);
  if (!equalBytes(key.publicKey, pool.config.validatorKey))
    throw usageError(
      `the pool ${raw} stakes for validator key ${toHex(pool.config.validatorKey)}, not ${keyHex}`,
    );
  const self = ledger((await keystoreOf(ctx).show(opts.wallet)).address);
  if (rawOf(self) !== rawOf(pool.config.owner))
    throw new CliError(
      "CLI_TX_FAILED",
      `${opts.wallet} is not the pool's owner (${rawOf(pool.config.owner)}): ${POOL_EXIT_TEXT[POOL_EXIT.NOT_OWNER]}`,
    );
  const refuse = (code: number) =>
    new CliError("CLI_TX_FAILED", `the pool cannot stake: ${POOL_EXIT_TEXT[code]}`);
  if (pool.staked > 0n) throw refuse(POOL_EXIT.ALREADY_STAKED);
  const [genesis, el, config] = await Promise.all([
    genesisOf(client),
    client.call<ElectionsAnswer>("getElections"),
    client.call<ConfigAnswer>("getConfig"),
  ]);
  const election = el.election;
  if (election === null)
    throw new CliError(
      "CLI_TX_FAILED",
      `the pool cannot stake: ${POOL_EXIT_TEXT[POOL_EXIT.NO_ELECTION]}; the next opens at ${new Date(el.nextElectionAt * 1000).toISOString()}`,
    );
  const min = config.params?.["stakes.min"];
  if (min !== undefined && pool.total < BigInt(min))
    throw new CliError(
      "CLI_TX_FAILED",
      `the pool cannot stake: its shares, ${formatGrams(pool.total)} Gram, are below the elector's minimum stake (stakes.min), ${formatGrams(BigInt(min))} Gram`,
    );
  if (pool.balance + STAKE_VALUE - pool.total < POOL_LIMITS.RESERVE) throw refuse(POOL_EXIT.NO_RESERVE);
  const signature = sign(stakeProofMessage(genesis, BigInt(election.electAt), pool.address), key.secretKey);
  const { poolTx } = await sendToPool({
    ctx,
    cmd,
    pool: pool.address,
    wallet: opts.wallet,
    payment: { to: pool.address, valueNano: STAKE_VALUE, body: [POOL_OP.STAKE, signature], bounce: true },
    what: "stake",
    timeout: opts.timeout,
  });
  // The pool sent its shares to the elector: the offer shows, or the elector bounces them.
  const offer = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the pool sent its stake (transaction ${poolTx.hash}) but the elector showed no offer for ${keyHex} within ${timeout} s; see 'gram elections'`,
    async () => {
      const exit = await bounceFrom(
        client,
        pool.address,
        ELECTOR_ADDRESS,
        BigInt(poolTx.lt),
        ELECTOR_OP.STAKE,
      );
      if (exit !== null)
        throw new CliError(
          "CLI_TX_FAILED",
          `the elector refused the pool's stake: ${ELECTOR_EXIT_TEXT[exit] ?? `exit code ${exit}`}; it is back in the pool, unstaked`,
        );
      const now = await client.call<ElectionsAnswer>("getElections");
      return now.election?.offers.find((o) => o.publicKey === keyHex && o.wallet === raw);
    },
  );
  outputOf(ctx, cmd).result(
    {
      pool: raw,
      validatorKey: keyHex,
      stake: offer.stake,
      electAt: election.electAt,
      transaction: poolTx.hash,
    },
    () =>
      formatTable([
        ["staked", `${formatGrams(BigInt(offer.stake))} Gram of the pool ${raw}`],
        ["validator key", keyHex],
        ["election", `for the round from ${new Date(election.electAt * 1000).toISOString()}`],
        ["transaction", poolTx.hash],
      ]),
  );
}

async function recoverAction(ctx: CliContext, cmd: Command, target: string, opts: SendOpts) {
  const timeout = sendTimeout(opts.timeout);
  const client = clientOf(cmd);
  const pool = await poolOf(ctx, client, target);
  const raw = rawOf(pool.address);
  if (pool.staked === 0n)
    throw new CliError("CLI_TX_FAILED", `nothing to recover: ${POOL_EXIT_TEXT[POOL_EXIT.NOT_STAKED]}`);
  const { poolTx } = await sendToPool({
    ctx,
    cmd,
    pool: pool.address,
    wallet: opts.wallet,
    payment: { to: pool.address, valueNano: RECOVER_VALUE, body: [POOL_OP.RECOVER], bounce: true },
    what: "request to recover its stake",
    timeout: opts.timeout,
  });
  // The pool asked the elector; its answer ([RECOVERED, amount], or a bounce) comes back to the pool.
  const returned = await pollUntil(
    Date.now() + timeout * 1000,
    () =>
      `the pool asked the elector (transaction ${poolTx.hash}) but no answer came back within ${timeout} s; see 'gram history ${raw}'`,
    async () => {
      for (const tx of await historyAfter(client, pool.address, BigInt(poolTx.lt))) {
        const m = tx.inMsg;
        if (m.type !== "internal" || m.src !== rawOf(ELECTOR_ADDRESS)) continue;
        const exit = bounceExit(m, ELECTOR_ADDRESS, ELECTOR_OP.RECOVER);
        if (exit !== null)
          throw new CliError(
            "CLI_TX_FAILED",
            `the elector refused: ${ELECTOR_EXIT_TEXT[exit] ?? `exit code ${exit}`} (a stake is released some time after its round)`,
          );
        if (opOf(m.body) === ELECTOR_OP.RECOVERED && tx.compute.success === true)
          return { amount: intItem(m.body, 1) ?? 0n, tx: tx.hash };
      }
      return undefined;
    },
  );
  const after = await readPool(client, pool.address);
  outputOf(ctx, cmd).result(
    {
      pool: raw,
      returned: returned.amount.toString(),
      staked: pool.staked.toString(),
      totalShares: after.total.toString(),
      transaction: returned.tx,
    },
    () =>
      `The pool ${raw} recovered ${formatGrams(returned.amount)} Gram for its stake of ${formatGrams(pool.staked)} Gram and shared it out (transaction ${returned.tx}); its shares are now ${formatGrams(after.total)} Gram.`,
  );
}
