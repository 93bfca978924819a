// The RPC's reads of the system contracts (rpc §2.13–§2.15): the validator sets, the election,
// the frozen stakes, a wallet's credit and the open proposals, decoded from the two contracts'
// storage at the newest final state, as JSON a script can rely on.
import { toHex } from "../bytes/index.ts";
import type { Chain, ChainConfig } from "../chain/index.ts";
import type { LedgerAddress } from "../ledger/index.ts";
import {
  CONFIG_ADDRESS,
  CONFIG_KEYS,
  ELECTOR_ADDRESS,
  ELECTOR_KEYS,
  Election,
  ElectorBook,
  FrozenRounds,
  type Member,
  PARAMS,
  Proposals,
  paramJson,
  Storage,
  ValidatorRound,
} from "../system/index.ts";
import { rawAddress } from "./views.ts";

const BILLION = 1_000_000_000n;

/** A system contract's storage and balance at the newest final state, in one read. */
async function contractOf(chain: Chain, address: LedgerAddress): Promise<{ s: Storage; balance: bigint }> {
  const c = await chain.contract(address);
  return { s: new Storage(c.storage), balance: c.account?.balance ?? 0n };
}

/** The parameters by name (config §2), each in its JSON form: the answer of `gram config get`. */
export function paramsView(config: ChainConfig): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const s of PARAMS) out[s.name] = paramJson(config, s);
  return out;
}

function membersView(members: readonly Member[]) {
  let total = 0n;
  for (const m of members) total += m.stake;
  return members.map((m) => ({
    publicKey: toHex(m.publicKey),
    stake: m.stake.toString(),
    // Billionths of the set's stake (staking §4): what a member's votes weigh.
    weight: total === 0n ? 0 : Number((m.stake * BILLION) / total),
    wallet: m.wallet === null ? null : rawAddress(m.wallet),
    reward: m.reward.toString(),
    fine: m.fine.toString(),
  }));
}

function roundView(r: ValidatorRound | null) {
  if (r === null) return null;
  return {
    since: Number(r.since),
    until: Number(r.until),
    members: membersView(r.members),
    removed: membersView(r.removed),
  };
}

/** rpc §2.13: the set in force and the one elected next. */
export async function validatorsView(chain: Chain) {
  const { s } = await contractOf(chain, ELECTOR_ADDRESS);
  return {
    current: roundView(s.read(ELECTOR_KEYS.current, ValidatorRound)),
    next: roundView(s.read(ELECTOR_KEYS.next, ValidatorRound)),
  };
}

/** rpc §2.14: the open election, the frozen stakes, the elector's book, and a wallet's credit. */
export async function electionsView(chain: Chain, wallet: LedgerAddress | null) {
  const { s, balance } = await contractOf(chain, ELECTOR_ADDRESS);
  const e = s.read(ELECTOR_KEYS.election, Election);
  const book = s.read(ELECTOR_KEYS.book, ElectorBook);
  const held = book?.held ?? 0n;
  const c = chain.config;
  const credit = wallet === null ? null : s.get(ELECTOR_KEYS.credit(wallet));
  return {
    now: Number(chain.head.mc.header.time),
    election:
      e === null
        ? null
        : {
            electAt: Number(e.electAt),
            closeAt: Number(e.closeAt),
            offers: e.offers.map((o) => ({
              publicKey: toHex(o.publicKey),
              stake: o.stake.toString(),
              wallet: rawAddress(o.wallet),
            })),
          },
    // When the next election opens, for a set in force with none open or elected.
    nextElectionAt: Number(c.validatorsUntil - BigInt(c.elections.openBefore)),
    frozen: (s.read(ELECTOR_KEYS.frozen, FrozenRounds)?.rounds ?? []).map((f) => ({
      releaseAt: Number(f.releaseAt),
      round: roundView(f.round),
    })),
    held: held.toString(),
    pot: (balance > held ? balance - held : 0n).toString(),
    roundsPaid: Number(book?.roundsPaid ?? 0n),
    lastReward: (book?.lastReward ?? 0n).toString(),
    ...(wallet === null ? {} : { credit: (typeof credit === "bigint" ? credit : 0n).toString() }),
  };
}

/** rpc §2.15: the proposals still open, with their votes in the round in force. */
export async function proposalsView(chain: Chain) {
  const { s } = await contractOf(chain, CONFIG_ADDRESS);
  const now = chain.head.mc.header.time;
  const list = s.read(CONFIG_KEYS.proposals, Proposals);
  let total = 0n;
  for (const v of chain.config.validators) total += v.stake;
  return {
    version: Number(chain.config.version),
    totalStake: total.toString(),
    proposals: (list?.open ?? [])
      .filter((p) => p.expiresAt > now)
      .map((p) => {
        const rounds = p.critical ? chain.config.voting.critical : chain.config.voting.normal;
        const current = p.round === chain.config.validatorsUntil;
        return {
          id: Number(p.id),
          param: p.param,
          value: p.value.toString(),
          by: rawAddress(p.by),
          createdAt: Number(p.createdAt),
          expiresAt: Number(p.expiresAt),
          critical: p.critical,
          wins: p.wins,
          losses: p.losses,
          minWins: rounds.minWins,
          maxLosses: rounds.maxLosses,
          votedStake: (current ? p.votedStake : 0n).toString(),
          voters: current ? p.voters.map(toHex) : [],
        };
      }),
  };
}
