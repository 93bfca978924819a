// The config contract (config §3–§4), native code at -1:5555…: it keeps the protocol parameters,
// takes proposals to change one (from anyone, for a fee), and the votes of the validators in
// force, signed with their validator keys. A proposal that holds 3/4 of the stake in enough
// rounds changes its parameter, and the chain reads the new value for its next masterchain block.

import { type Action, RECV_EXTERNAL, RECV_INTERNAL, type RunResult, SEND_MODE } from "../../../vm/index.ts";
import { equalBytes } from "../../bytes/index.ts";
import { encode, t } from "../../codec/index.ts";
import { fromVmAddress, type LedgerAddress, toVmAddress } from "../../ledger/index.ts";
import { CONFIG_ADDRESS, ELECTOR_ADDRESS } from "../addresses.ts";
import { type Args, bytesArg, charge, done, fail, intArg, operation, SYSTEM_EXIT } from "../body.ts";
import { readGenesis, readParams, readValidators } from "../context.ts";
import { ELECTOR_OP } from "../elector/contract.ts";
import type { NativeInput } from "../native.ts";
import { type ConfigParams, paramSpec, paramsError, withParam } from "../params.ts";
import { Storage } from "../records.ts";
import { ConfigVersion, CONFIG_KEYS as K, MAX_PROPOSALS, type Proposal, Proposals } from "./state.ts";

export const CONFIG_OP = { PROPOSE: 0x6e566f74n, VOTE: 0x566f7465n } as const;

export const CONFIG_EXIT = {
  UNKNOWN_PARAM: 110,
  BAD_VALUE: 111,
  BAD_EXPIRY: 112,
  FEE_TOO_SMALL: 113,
  TOO_MANY_PROPOSALS: 114,
  NO_PROPOSAL: 115,
  NOT_VALIDATOR: 116,
  BAD_SIGNATURE: 117,
  ALREADY_VOTED: 118,
  WRONG_ROUND: 119,
} as const;

export const CONFIG_EXIT_TEXT: Readonly<Record<number, string>> = {
  [CONFIG_EXIT.UNKNOWN_PARAM]: "no parameter has that name",
  [CONFIG_EXIT.BAD_VALUE]: "the value is outside the parameter's range or breaks a rule between parameters",
  [CONFIG_EXIT.BAD_EXPIRY]: "the expiry must be in the future and within voting.maxSeconds",
  [CONFIG_EXIT.FEE_TOO_SMALL]: "the message carries less than the proposal fee (voting.proposalFee)",
  [CONFIG_EXIT.TOO_MANY_PROPOSALS]: "as many proposals are open as the contract keeps",
  [CONFIG_EXIT.NO_PROPOSAL]: "no open proposal has that number",
  [CONFIG_EXIT.NOT_VALIDATOR]: "the key is not a validator of the set in force",
  [CONFIG_EXIT.BAD_SIGNATURE]: "the vote's signature is not the validator key's",
  [CONFIG_EXIT.ALREADY_VOTED]: "this validator has voted for this proposal in this round",
  [CONFIG_EXIT.WRONG_ROUND]: "the vote is for another validator round than the one in force",
};

const GAS = { propose: 10_000n, vote: 10_000n, get: 1_000n } as const;
const CONFIG_VM = toVmAddress(CONFIG_ADDRESS);

/** As consensus signs its votes (consensus §3.2): the domain is the first field of what is signed. */
const VoteProof = t.struct("VoteProof", {
  domain: t.string(64),
  network: t.bytes(32),
  proposal: t.u64,
  round: t.u64,
});

/**
 * The bytes a validator key signs to vote for proposal `id` in the validator round that ends at
 * `round` (config §4.2): a vote of each round is a message of its own, never a copy of the last.
 */
export function voteMessage(network: Uint8Array, id: bigint, round: bigint): Uint8Array {
  return encode(VoteProof, { domain: "gram/config/vote", network, proposal: id, round }).slice();
}

export function configContract(input: NativeInput): RunResult {
  if (!equalBytes(input.context.address, CONFIG_VM)) return fail(input, SYSTEM_EXIT.NOT_HOME, 0n);
  const m = operation(input);
  if (input.entry === RECV_INTERNAL) {
    const sender = input.context.sender === null ? null : fromVmAddress(input.context.sender);
    if (m === null || sender === null || m.op !== CONFIG_OP.PROPOSE)
      return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.get);
    return charge(input, GAS.propose) ?? propose(input, sender, m.args);
  }
  if (input.entry === RECV_EXTERNAL) {
    if (m === null || m.op !== CONFIG_OP.VOTE) return fail(input, SYSTEM_EXIT.BAD_BODY, 0n);
    return charge(input, GAS.vote) ?? vote(input, m.args);
  }
  return fail(input, SYSTEM_EXIT.NO_METHOD, 0n);
}

/** Proposals still open at `now`: past their expiry they are gone (config §4.3). */
function openAt(p: Proposals, now: bigint): Proposal[] {
  return p.open.filter((x) => x.expiresAt > now);
}

/** config §4.1: a proposal to set one parameter, checked in full before anyone votes. */
function propose(input: NativeInput, by: LedgerAddress, args: Args): RunResult {
  const nameBytes = args[0];
  const value = intArg(args[1], 0n, (1n << 64n) - 1n);
  const expiresAt = intArg(args[2], 0n, (1n << 64n) - 1n);
  if (
    !(nameBytes instanceof Uint8Array) ||
    nameBytes.length > 64 ||
    value === null ||
    expiresAt === null ||
    args.length !== 3
  )
    return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.propose);
  const name = new TextDecoder().decode(nameBytes);
  const spec = paramSpec(name);
  if (spec === null) return fail(input, CONFIG_EXIT.UNKNOWN_PARAM, GAS.propose);
  const s = new Storage(input.storage);
  const params = s.read(K.params, ConfigVersion)?.params ?? readParams(input.context.config);
  if (value < spec.min || value > spec.max || paramsError(withParam(params, name, value)) !== null)
    return fail(input, CONFIG_EXIT.BAD_VALUE, GAS.propose);
  const now = input.context.now;
  if (expiresAt <= now || expiresAt > now + BigInt(params.voting.maxSeconds))
    return fail(input, CONFIG_EXIT.BAD_EXPIRY, GAS.propose);
  const fee = params.voting.proposalFee;
  if (input.context.msgValue < fee) return fail(input, CONFIG_EXIT.FEE_TOO_SMALL, GAS.propose);
  const list = s.read(K.proposals, Proposals) ?? { nextId: 1n, open: [] };
  const open = openAt(list, now);
  if (open.length >= MAX_PROPOSALS) return fail(input, CONFIG_EXIT.TOO_MANY_PROPOSALS, GAS.propose);
  open.push({
    id: list.nextId,
    param: name,
    value,
    by,
    createdAt: now,
    expiresAt,
    critical: spec.critical,
    wins: 0,
    losses: 0,
    round: readValidators(input.context.config).until,
    wonRound: false,
    voters: [],
    votedStake: 0n,
  });
  s.write(K.proposals, Proposals, { nextId: list.nextId + 1n, open });
  // The fee is the validators' (config §4.1): all the message carried goes to the reward pot.
  const toElector: Action = {
    type: "send",
    dest: toVmAddress(ELECTOR_ADDRESS),
    value: 0n,
    body: [ELECTOR_OP.REWARD],
    // A value too small to forward bounces the proposal whole rather than stay here.
    mode: SEND_MODE.CARRY_INBOUND_VALUE | SEND_MODE.NON_BOUNCEABLE | SEND_MODE.BOUNCE_ON_ACTION_FAIL,
  };
  return done(GAS.propose, s.changes(), [toElector], [list.nextId]);
}

/**
 * config §4.2: a validator's vote, an external message signed with its validator key. Everything
 * is checked before the contract accepts it, so a vote that would be refused costs no one anything
 * and changes nothing.
 */
function vote(input: NativeInput, args: Args): RunResult {
  const id = intArg(args[0], 0n, (1n << 64n) - 1n);
  const round = intArg(args[1], 0n, (1n << 64n) - 1n);
  const key = bytesArg(args[2], 32);
  const signature = bytesArg(args[3], 64);
  if (id === null || round === null || key === null || signature === null || args.length !== 4)
    return fail(input, SYSTEM_EXIT.BAD_BODY, GAS.vote);
  const s = new Storage(input.storage);
  const now = input.context.now;
  const list = s.read(K.proposals, Proposals) ?? { nextId: 1n, open: [] };
  const open = openAt(list, now);
  const at = open.findIndex((p) => p.id === id);
  if (at < 0) return fail(input, CONFIG_EXIT.NO_PROPOSAL, GAS.vote);
  const set = readValidators(input.context.config);
  const voter = set.members.find((m) => equalBytes(m.publicKey, key));
  if (voter === undefined) return fail(input, CONFIG_EXIT.NOT_VALIDATOR, GAS.vote);
  if (round !== set.until) return fail(input, CONFIG_EXIT.WRONG_ROUND, GAS.vote);
  if (!input.host.ed25519Verify(voteMessage(readGenesis(input.context.config), id, round), key, signature))
    return fail(input, CONFIG_EXIT.BAD_SIGNATURE, GAS.vote);
  const params = s.read(K.params, ConfigVersion)?.params ?? readParams(input.context.config);
  let p = open[at];
  if (p.round !== set.until) {
    // A new round: the last one counts as lost unless it was won (config §4.3).
    const losses = p.wonRound ? p.losses : p.losses + 1;
    p = { ...p, round: set.until, wonRound: false, voters: [], votedStake: 0n, losses };
  }
  if (p.voters.some((v) => equalBytes(v, key))) return fail(input, CONFIG_EXIT.ALREADY_VOTED, GAS.vote);
  if (input.stopAtAccept) return { ...done(GAS.vote, []), accepted: true };
  let total = 0n;
  for (const m of set.members) total += m.stake;
  p = { ...p, voters: [...p.voters, key], votedStake: p.votedStake + voter.stake };
  const rounds = p.critical ? params.voting.critical : params.voting.normal;
  if (!p.wonRound && 4n * p.votedStake >= 3n * total) p = { ...p, wonRound: true, wins: p.wins + 1 };
  let rest = open.map((x, i) => (i === at ? p : x));
  if (p.wins >= rounds.minWins || p.losses > rounds.maxLosses) {
    rest = rest.filter((_, i) => i !== at);
    if (p.wins >= rounds.minWins) apply(s, params, p);
  }
  s.write(K.proposals, Proposals, { nextId: list.nextId, open: rest });
  return done(GAS.vote, s.changes());
}

/** config §4.4: a passed proposal sets its parameter, unless the value no longer fits the others. */
function apply(s: Storage, params: ConfigParams, p: Proposal): void {
  const next = withParam(params, p.param, p.value);
  if (paramsError(next) !== null) return;
  const version = s.read(K.params, ConfigVersion)?.version ?? 0n;
  s.write(K.params, ConfigVersion, { version: version + 1n, params: next });
}
