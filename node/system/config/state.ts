// What the config contract keeps (config §1): the parameters in force, their version, and the
// open proposals with the votes of the round they are in.
import { type Infer, t } from "../../codec/index.ts";
import { LedgerAddress } from "../../ledger/index.ts";
import { ConfigParams, MAX_VALIDATORS } from "../params.ts";
import { storageKey } from "../records.ts";

/** Proposals open at once at most; a full list refuses new ones until some pass, fail or expire. */
export const MAX_PROPOSALS = 64;

export const Proposal = t.struct("Proposal", {
  id: t.u64,
  /** A parameter's name (config §2). */
  param: t.string(64),
  value: t.u64,
  by: LedgerAddress,
  createdAt: t.u64,
  expiresAt: t.u64,
  critical: t.bool,
  wins: t.u8,
  losses: t.u8,
  /** The validator round the votes below were cast in: its end, which a failed election moves too. */
  round: t.u64,
  /** Whether the proposal won that round already. */
  wonRound: t.bool,
  /** Keys of the validators that voted in that round, and their stake. */
  voters: t.list(t.bytes(32), MAX_VALIDATORS),
  votedStake: t.u64,
});
export type Proposal = Infer<typeof Proposal>;

export const Proposals = t.struct(
  "Proposals",
  { nextId: t.u64, open: t.list(Proposal, MAX_PROPOSALS) },
  { maxBytes: 4 * 1024 * 1024 },
);
export type Proposals = Infer<typeof Proposals>;

/** The parameters in force; the version counts the changes made by vote (config §1). */
export const ConfigVersion = t.struct("ConfigVersion", { version: t.u64, params: ConfigParams });
export type ConfigVersion = Infer<typeof ConfigVersion>;

/** The config contract's storage keys (config §1). */
export const CONFIG_KEYS = {
  params: storageKey("params"),
  proposals: storageKey("proposals"),
} as const;
