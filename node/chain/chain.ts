// The chain a node keeps (chain §4–§6): its head, block 0 from genesis, one round of blocks at a
// time, and every read the RPC needs. A round builds the basechain block, then the masterchain
// block that names it; once a commit makes it final, both blocks, their transactions, queue
// changes, message statuses, the commit and the new head are written in ONE batch: after a kill
// at any moment the node reopens at the last round that was written whole. A round is built by
// its proposer, checked by re-execution on the others (chain §4.6), and decided by consensus.
import { EMPTY_STORAGE, type Host, type Value } from "../../vm/index.ts";
import { equalBytes, toHex } from "../bytes/index.ts";
import { CodecError, decode, decodeViews, encode, hashOf, type Schema, t } from "../codec/index.ts";
import {
  Commit,
  type ConsensusSigner,
  commitError,
  commitOf,
  type Evidence,
  evidenceError,
  keyConsensusSigner,
  PRECOMMIT,
  sameChain,
  signVote,
  ValidatorSet,
} from "../consensus/index.ts";
import { sha256 } from "../crypto/index.ts";
import { type AccountState, Transaction } from "../execution/index.ts";
import { type Account, type LedgerAddress, Message } from "../ledger/index.ts";
import type { TrieProof } from "../state/index.ts";
import { BLOB_REF_BYTES, type KvStore, prefixEnd, StoreError, type WriteOp } from "../store/index.ts";
import { CHAIN_ADDRESS, ELECTOR_ADDRESS, ELECTOR_OP, electorDueAt, PPM } from "../system/index.ts";
import {
  type CheckOutcome,
  type DryRunAnswer,
  type DryRunContext,
  type DryRunJob,
  type DryRunOutcome,
  type EstimateOutcome,
  runExternal,
} from "../verifier/index.ts";
import { type CachingHost, deferringHost, type SignatureCheck } from "../vmhost/index.ts";
import { Block, type BlockHeader, blockHash, merkleRoot, SHARD_ALL, type ShardDescr } from "./block.ts";
import { Candidate } from "./candidate.ts";
import {
  type Collated,
  type CollatedTx,
  collate,
  type ExternalMessage,
  type QueuedMessage,
} from "./collate.ts";
import { ChainConfig, configParams, type Validator } from "./config.ts";
import { ChainError } from "./errors.ts";
import { type Genesis, genesisChainConfig, genesisWrites } from "./genesis.ts";
import { HashLru } from "./hashLru.ts";
import {
  Head,
  keys,
  MessageStatus,
  PREFIX,
  STORE_FORMAT,
  type Supply,
  TxRecord,
  UPGRADED_FORMATS,
} from "./records.ts";
import { ShardStore, type StorageItems } from "./shardStore.ts";

/**
 * Statuses kept in memory: a few rounds' worth at full blocks. They are kept as their stored
 * encodings: decoded, each was a handful of objects (three of them bigints) that lived for
 * 100,000 messages, so every one of them was copied into V8's old generation, which a busy node
 * then collected every second or two; a poll that finds one decodes it.
 */
const RECENT_STATUSES = 100_000;

export const BASECHAIN = 0n;
export const MASTERCHAIN = -1n;

/** The masterchain's consensus instance (consensus §1.1): it decides each round. */
export const MC_CHAIN = { workchain: MASTERCHAIN, shard: SHARD_ALL } as const;

/** Signs this node's votes: its validator key. */
export type BlockSigner = ConsensusSigner;

/**
 * The most bytes of external messages one round carries (chain §4.6): its candidate, with
 * evidence and framing, stays under the 16 MiB a Candidate may take and the 17 MiB of a proposal.
 */
export const MAX_ROUND_MESSAGE_BYTES = 12 * 1024 * 1024;

function externalBytes(externals: {
  shard: readonly ExternalMessage[];
  mc: readonly ExternalMessage[];
}): number {
  let n = 0;
  for (const m of externals.shard) n += m.bytes.length;
  for (const m of externals.mc) n += m.bytes.length;
  return n;
}
export const keySigner = keyConsensusSigner;

/**
 * A round built or checked but not yet final (consensus §1.1): both blocks with their prepared
 * state, and the wire form other validators re-execute. Its hash, the masterchain block's, is the
 * value consensus decides at height `seqno`.
 */
export interface RoundCandidate {
  seqno: bigint;
  hash: Uint8Array;
  shard: Collated;
  mc: Collated;
  wire: Candidate;
}

export interface RoundResult {
  mc: { header: BlockHeader; hash: Uint8Array };
  shard: { header: BlockHeader; hash: Uint8Array };
  /** Transactions of the round, both chains. */
  txs: CollatedTx[];
  statuses: { hash: Uint8Array; status: MessageStatus }[];
}

interface Tip {
  header: BlockHeader;
  hash: Uint8Array;
}

/**
 * Runs a message's dry run elsewhere (node/verifier's pool): the answer `dryRun` gives; and
 * signature checks, each answered as node/crypto's `verify` would (a round's, chain §4.7).
 */
export interface DryRunner {
  run(job: DryRunJob): Promise<DryRunAnswer>;
  /** `now`: sent to a worker at once, not with the rest of this event-loop turn's work. */
  verify(checks: readonly SignatureCheck[], options?: { now?: boolean }): Promise<boolean[]>;
}

/** Rounds built with inline checks after one whose deferred checks found a forgery (§4.7). */
const INLINE_ROUNDS_AFTER_FORGERY = 16;

export interface ChainOptions {
  host: Host | CachingHost;
  /** With a caching host: where the mempool's dry runs (chain §7.1) and a round's signature checks (§4.7) go. */
  dryRuns?: DryRunner;
  signer: BlockSigner;
  cacheBytes?: number;
}

function emptyHeader(
  workchain: bigint,
  time: bigint,
  stateRoot: Uint8Array,
  configHash: Uint8Array,
): BlockHeader {
  const zero = new Uint8Array(32);
  return {
    workchain,
    shard: SHARD_ALL,
    seqno: 0n,
    prevHash: zero,
    mcRef: { seqno: 0n, hash: zero },
    time,
    startLt: 0n,
    endLt: 0n,
    stateRoot,
    configHash: workchain === MASTERCHAIN ? configHash : zero,
    txRoot: merkleRoot([]),
    inMsgRoot: merkleRoot([]),
    outMsgRoot: merkleRoot([]),
    txCount: 0,
    fees: 0n,
    valueImported: 0n,
    valueExported: 0n,
    shards: [],
    producer: zero,
    evidence: [],
    minted: 0n,
    burned: 0n,
  };
}

function descr(tip: Tip): ShardDescr {
  return {
    workchain: tip.header.workchain,
    shard: tip.header.shard,
    seqno: tip.header.seqno,
    hash: tip.hash,
    stateRoot: tip.header.stateRoot,
    endLt: tip.header.endLt,
  };
}

function checkSupply(s: Supply, where: string): void {
  // chain §4.4: what genesis made and the chain minted is held, queued, in the pool, or burned.
  if (s.balances + s.queued + s.rewardPool + s.burned !== s.initial + s.minted) {
    throw new Error(
      `supply broken at ${where}: ${s.balances} + ${s.queued} + ${s.rewardPool} + ${s.burned} ≠ ${s.initial} + ${s.minted}`,
    );
  }
}

/** The chain's tick to the elector (staking §5.1): a message no account can send. */
function tickMessage(
  prev: BlockHeader,
  time: bigint,
  value: bigint,
  evidence: readonly Evidence[],
): QueuedMessage["message"] {
  const offenders = new Map<string, Uint8Array>();
  for (const e of evidence) offenders.set(toHex(e.first.validator), e.first.validator);
  return {
    kind: "internal",
    src: CHAIN_ADDRESS,
    dest: ELECTOR_ADDRESS,
    value,
    fwdFee: 0n,
    bounce: false,
    bounced: false,
    body: encode(t.vmValue, [ELECTOR_OP.TICK, [...offenders.values()]]).slice(),
    init: null,
    createdLt: prev.endLt,
    createdAt: time,
  };
}

export class Chain {
  readonly store: KvStore;
  readonly state: ShardStore;
  /** The config in force for the next masterchain block (chain §3.2). */
  config!: ChainConfig;
  configHash!: Uint8Array;
  /** The validators of the masterchain as consensus counts them: those of `config`. */
  validatorSet!: ValidatorSet;
  readonly genesisHash: Uint8Array;
  /** The config as contracts read it (chain §3.4). */
  configParams!: ReadonlyMap<bigint, Value>;
  readonly configParam = (id: bigint): Value | null => this.configParams.get(id) ?? null;
  /** The config as each dry run job carries it: one object, which a worker is sent once per config. */
  #dryRunContext!: DryRunContext;
  #head: Head;
  #mc: Tip;
  #shard: Tip;
  readonly #host: Host | CachingHost;
  readonly #dryRuns: DryRunner | undefined;
  /** Rounds left to build with inline checks (§4.7). */
  #inlineRounds = 0;
  /** The elector's next duty (staking §5.1): before it, a tick with nothing to carry is not sent. */
  #electorDueAt = 0n;
  readonly #signer: BlockSigner;
  #queuedMessages = 0;
  /**
   * The statuses the latest rounds wrote, as written: clients poll for their messages' ends, and
   * a stored status changes only in a round, which updates this as it writes.
   */
  readonly #recentStatuses = new HashLru<Uint8Array>(RECENT_STATUSES);
  #statusReads: {
    key: Uint8Array;
    resolve: (bytes: Uint8Array | undefined) => void;
    reject: (error: unknown) => void;
  }[] = [];

  private constructor(
    store: KvStore,
    state: ShardStore,
    config: ChainConfig,
    head: Head,
    mc: Tip,
    shard: Tip,
    options: ChainOptions,
  ) {
    this.store = store;
    this.state = state;
    this.genesisHash = head.genesis;
    this.#useConfig(config);
    this.#head = head;
    this.#mc = mc;
    this.#shard = shard;
    this.#host = options.host;
    this.#dryRuns = options.dryRuns;
    this.#signer = options.signer;
  }

  #useConfig(config: ChainConfig, hash = hashOf(ChainConfig, config)): void {
    this.config = config;
    this.configHash = hash;
    this.validatorSet = new ValidatorSet(config.validators);
    this.configParams = configParams(config, this.genesisHash);
    this.#dryRunContext = { fees: config.fees, config: [...this.configParams] };
  }

  /** Writes block 0 of both chains from `genesis`; refuses a store that already holds a chain. */
  static async init(store: KvStore, genesis: Genesis, options: ChainOptions): Promise<Chain> {
    if ((await store.get(keys.head())) !== undefined)
      throw new ChainError("CHAIN_ALREADY_INITIALIZED", "this data directory already holds a chain");
    const state = new ShardStore(store, { cacheBytes: options.cacheBytes });
    const config = genesisChainConfig(genesis);
    const configBytes = encode(ChainConfig, config);
    const configHash = hashOf(ChainConfig, config);
    const zero = new Uint8Array(32);
    const shardState = await state.prepare(zero, genesisWrites(genesis, BASECHAIN));
    const mcState = await state.prepare(zero, genesisWrites(genesis, MASTERCHAIN));
    const shardHeader = emptyHeader(BASECHAIN, genesis.time, shardState.root, configHash);
    const shard = { header: shardHeader, hash: blockHash(shardHeader) };
    const mcHeader = {
      ...emptyHeader(MASTERCHAIN, genesis.time, mcState.root, configHash),
      shards: [descr(shard)],
    };
    const mc = { header: mcHeader, hash: blockHash(mcHeader) };
    let initial = 0n;
    for (const a of genesis.accounts) initial += a.balance;
    const head: Head = {
      mc: { seqno: 0n, hash: mc.hash },
      genesis: mc.hash,
      supply: { initial, minted: 0n, burned: 0n, balances: initial, queued: 0n, rewardPool: 0n },
    };
    const [shardRef, mcRef] = await store.appendBlobs([emptyBlock(shard), emptyBlock(mc)]);
    const ops: WriteOp[] = [
      { type: "put", key: keys.config(configHash), value: configBytes },
      ...blockOps(shard, shardRef),
      ...blockOps(mc, mcRef),
      { type: "put", key: keys.head(), value: encode(Head, head) },
      { type: "put", key: keys.format(), value: formatRecord(STORE_FORMAT) },
    ];
    await state.commitMany(
      [
        { workchain: BASECHAIN, prepared: shardState },
        { workchain: MASTERCHAIN, prepared: mcState },
      ],
      ops,
    );
    const chain = new Chain(store, state, config, head, mc, shard, options);
    await chain.#readElectorDue();
    return chain;
  }

  async #readElectorDue(): Promise<void> {
    const { items } = await this.state.contractAt(this.#mc.header.stateRoot, ELECTOR_ADDRESS, false);
    if (items === null) throw new ChainError("CHAIN_CORRUPT", "the elector is missing from the masterchain");
    this.#electorDueAt = electorDueAt({ get: (k) => items.get(toHex(k))?.value }, this.config);
  }

  /** Opens the chain at its last committed round. */
  static async open(store: KvStore, options: ChainOptions): Promise<Chain> {
    const headBytes = await store.get(keys.head());
    if (headBytes === undefined)
      throw new ChainError(
        "CHAIN_NOT_INITIALIZED",
        "this data directory holds no chain; run `gram node init` first",
      );
    const format = readFormat(await store.get(keys.format()));
    if (UPGRADED_FORMATS.includes(format))
      await store.write([{ type: "put", key: keys.format(), value: formatRecord(STORE_FORMAT) }]);
    else if (format !== STORE_FORMAT)
      throw new ChainError(
        "CHAIN_FORMAT",
        `this data directory is in store format ${format}, and this node reads format ${STORE_FORMAT}; ` +
          "start the node on a new data directory",
      );
    const head = decode(Head, headBytes);
    const mcBlock = await readBlock(store, head.mc.hash);
    if (mcBlock === null)
      throw new ChainError("CHAIN_CORRUPT", "the head names a block the store does not hold");
    const d = mcBlock.header.shards[0];
    const shardBlock = await readBlock(store, d.hash);
    const configBytes = await store.get(keys.config(mcBlock.header.configHash));
    if (shardBlock === null || configBytes === undefined)
      throw new ChainError("CHAIN_CORRUPT", "the head's shard block or config is missing");
    const state = new ShardStore(store, { cacheBytes: options.cacheBytes });
    const chain = new Chain(
      store,
      state,
      decode(ChainConfig, configBytes),
      head,
      { header: mcBlock.header, hash: head.mc.hash },
      { header: shardBlock.header, hash: d.hash },
      options,
    );
    await chain.#readElectorDue();
    // Counted once here, then kept by each round: the queues are short (a round drains them).
    for await (const _ of store.entries({
      start: Uint8Array.of(PREFIX.QUEUE),
      end: Uint8Array.of(PREFIX.QUEUE + 1),
    }))
      chain.#queuedMessages++;
    return chain;
  }

  /** Internal messages waiting in the queues for a round (value or not): work for the block loop. */
  get queuedMessages(): number {
    return this.#queuedMessages;
  }

  get head(): { mc: Tip; shard: Tip; supply: Supply } {
    return { mc: this.#mc, shard: this.#shard, supply: this.#head.supply };
  }

  /** The newest final block of the chain `address` lives in. */
  tipOf(address: LedgerAddress): Tip {
    return address.workchain === MASTERCHAIN ? this.#mc : this.#shard;
  }

  /** The account at the newest final state, and the block it was read at. */
  async account(address: LedgerAddress): Promise<{ account: Account | null; tip: Tip }> {
    const tip = this.tipOf(address);
    return { account: await this.state.account(tip.header.stateRoot, address.id), tip };
  }

  /** An account with its code and storage at the newest final state, as the VM reads them. */
  async contract(address: LedgerAddress): Promise<AccountState & { tip: Tip }> {
    const { account, code, items, tip } = await this.#contractParts(address);
    if (items === null) return { address, account, code, storage: EMPTY_STORAGE, tip };
    return { address, account, code, storage: { get: (k) => items.get(toHex(k))?.value }, tip };
  }

  async #contractParts(address: LedgerAddress): Promise<{
    account: Account | null;
    record: Uint8Array | null;
    code: Uint8Array | null;
    items: StorageItems | null;
    tip: Tip;
  }> {
    const tip = this.tipOf(address);
    return { ...(await this.state.contractAt(tip.header.stateRoot, address, false)), tip };
  }

  /**
   * The mempool's check of an external message (chain §7.1, step 8): its transaction against the
   * newest final state, run up to the contract's ACCEPT, keeping nothing but the signatures the
   * run accepted, so that the block does not check them again.
   */
  async checkExternal(external: ExternalMessage, now: bigint): Promise<CheckOutcome> {
    return (await this.#dryRun(external, now, "accept")) as CheckOutcome;
  }

  /** A fee estimate (rpc §2.12): the whole transaction of an external message, kept nowhere. */
  async estimateExternal(external: ExternalMessage, now: bigint): Promise<EstimateOutcome> {
    return (await this.#dryRun(external, now, "end")) as EstimateOutcome;
  }

  /**
   * Runs an external message against the newest final state and keeps nothing (chain §7.1). It
   * runs on the chain's own host, so a signature it accepts is not checked again in the block;
   * with a dry-run pool the run is on another thread and its accepted signatures come back.
   */
  async #dryRun(external: ExternalMessage, now: bigint, upTo: DryRunJob["upTo"]): Promise<DryRunOutcome> {
    const { message, hash } = external;
    const host = this.#host;
    if (this.#dryRuns !== undefined && "remember" in host) {
      // The whole run on another thread; the signatures it accepted are kept for the block.
      const { account, record, code, items, tip } = await this.#contractParts(message.dest);
      const storage: DryRunJob["storage"] = [];
      const encodings: Array<{ key: Uint8Array; value: Uint8Array }> = [];
      for (const [k, item] of items ?? []) {
        storage.push([k, item.value]);
        encodings.push({ key: item.key, value: item.encoding });
      }
      const { outcome, accepted } = await this.#dryRuns.run({
        address: message.dest,
        account,
        code,
        storage,
        encoded: { account: record, storage: encodings },
        message: external.bytes,
        env: {
          now: now < tip.header.time ? tip.header.time : now,
          lt: tip.header.endLt + 1n,
          seed: new Uint8Array(32),
          inMsgHash: hash,
        },
        context: this.#dryRunContext,
        upTo,
      });
      host.remember(accepted);
      return outcome;
    }
    const state = await this.contract(message.dest);
    return runExternal(upTo, state, message, {
      now: now < state.tip.header.time ? state.tip.header.time : now,
      lt: state.tip.header.endLt + 1n,
      seed: new Uint8Array(32),
      fees: this.config.fees,
      host,
      inMsgHash: hash,
      config: this.configParam,
    });
  }

  async accountProof(address: LedgerAddress): Promise<{ proof: TrieProof; tip: Tip; mc: Tip }> {
    const tip = this.tipOf(address);
    return { proof: await this.state.trie.prove(tip.header.stateRoot, address.id), tip, mc: this.#mc };
  }

  async code(codeHash: Uint8Array): Promise<Uint8Array | null> {
    return (await this.state.code(codeHash)) ?? null;
  }

  async #queue(destWorkchain: bigint, limit: number): Promise<QueuedMessage[]> {
    // Exact (counted at open, kept by each round): a LevelDB iterator costs a busy store about
    // 0.3 ms to open, two per round, and most rounds find both queues empty.
    if (this.#queuedMessages === 0) return [];
    const start = keys.queueStart(destWorkchain);
    const out: QueuedMessage[] = [];
    for await (const [key, value] of this.store.entries({ start, end: prefixEnd(start), limit })) {
      const message = decode(Message, value);
      if (message.kind !== "internal") throw new Error("state corrupt: a queue holds a non-internal message");
      // A queue key ends with the message's hash (chain §6.2).
      out.push({ key, hash: key.subarray(key.length - 32), message, bytes: value });
    }
    return out;
  }

  /**
   * One round on a node that is the whole validator set: the round built, its one precommit
   * signed, and the round written (consensus §1.1 with a group of one).
   */
  async produceRound(
    now: bigint,
    externals: { shard: ExternalMessage[]; mc: ExternalMessage[] },
  ): Promise<RoundResult> {
    // One signer makes a block final only with more than 2/3 of the stake (chain §2.5).
    const own = this.validatorSet.indexOf(this.#signer.publicKey);
    if (own < 0 || !this.validatorSet.isQuorum(this.validatorSet.members[own].stake))
      throw new Error(
        "this node's signature does not make the block final: its key is not the validator's, or an election put others in the set; a node with other validators runs with peers (node.json p2p.bootstrap)",
      );
    const candidate = await this.buildRound(now, externals);
    const vote = signVote(
      this.genesisHash,
      { chain: MC_CHAIN, height: candidate.seqno, round: 0, type: PRECOMMIT, value: candidate.hash },
      this.#signer,
    );
    return this.commitRound(candidate, commitOf([vote]));
  }

  /**
   * Builds the next round from `externals`, as its proposer (chain §4): the basechain block, then
   * the masterchain block that names it. Nothing is written; `commitRound` writes it once final.
   */
  async buildRound(
    now: bigint,
    externals: { shard: ExternalMessage[]; mc: ExternalMessage[] },
    producer: Uint8Array = this.#signer.publicKey,
    evidence: readonly Evidence[] = [],
  ): Promise<RoundCandidate> {
    const pool = this.#dryRuns;
    const base = this.#host;
    if (pool === undefined || !("take" in base) || this.#inlineRounds > 0) {
      this.#inlineRounds = Math.max(0, this.#inlineRounds - 1);
      return this.#build(now, externals, producer, evidence, base);
    }
    // Signatures verified on the pool while the round runs (§4.7); one found invalid there means
    // the round is run again with its checks here, and so are the next few rounds: a peer that
    // passes on forged messages must not double the work of every round.
    const host = deferringHost(base, (checks) => pool.verify(checks, { now: true }));
    let built: RoundCandidate | undefined;
    let failure: unknown;
    try {
      built = await this.#build(now, externals, producer, evidence, host);
    } catch (e) {
      failure = e;
    }
    if (await host.settle()) {
      if (built === undefined) throw failure;
      return built;
    }
    // What an invalid signature taken for valid led to, a round or an error, is not the answer.
    this.#inlineRounds = INLINE_ROUNDS_AFTER_FORGERY;
    return this.#build(now, externals, producer, evidence, base);
  }

  async #build(
    now: bigint,
    externals: { shard: ExternalMessage[]; mc: ExternalMessage[] },
    producer: Uint8Array,
    evidence: readonly Evidence[],
    host: Host,
  ): Promise<RoundCandidate> {
    const limit = this.config.maxBlockTransactions;
    const mcRef = { seqno: this.#mc.header.seqno, hash: this.#mc.hash };
    const common = {
      now,
      config: this.config,
      configHash: this.configHash,
      store: this.state,
      host,
      producer,
      configParam: this.configParam,
    };
    const shard = await collate({
      ...common,
      workchain: BASECHAIN,
      shard: SHARD_ALL,
      prev: this.#shard.header,
      prevHash: this.#shard.hash,
      mcRef,
      mcEndLt: this.#mc.header.endLt,
      imports: await this.#queue(BASECHAIN, limit),
      externals: externals.shard,
      shards: [],
    });
    const mc = await collate({
      ...common,
      tick: this.#tick(now, evidence),
      workchain: MASTERCHAIN,
      shard: SHARD_ALL,
      prev: this.#mc.header,
      prevHash: this.#mc.hash,
      mcRef,
      mcEndLt: this.#mc.header.endLt,
      imports: await this.#queue(MASTERCHAIN, limit),
      externals: externals.mc,
      shards: [descr({ header: shard.header, hash: shard.hash })],
      evidence,
    });
    const wire: Candidate = {
      time: now,
      producer,
      shardExternals: externals.shard.map((e) => e.bytes),
      mcExternals: externals.mc.map((e) => e.bytes),
      evidence: [...evidence],
      shardHash: shard.hash,
      mcHash: mc.hash,
    };
    return { seqno: mc.header.seqno, hash: mc.hash, shard, mc, wire };
  }

  /**
   * The tick of the next masterchain block (staking §5.1): the coins minted for the time since the
   * last one, and the fees the last round collected, less the share burned.
   */
  #tick(now: bigint, evidence: readonly Evidence[]): Parameters<typeof collate>[0]["tick"] {
    const prev = this.#mc.header;
    const time = now < prev.time ? prev.time : now;
    const { rewards } = this.config;
    const minted = rewards.mintPerSecond * (time - prev.time);
    const pool = this.#head.supply.rewardPool;
    // Nothing to carry, no offender, no duty due: the tick would change nothing but its record.
    if (minted === 0n && pool === 0n && evidence.length === 0 && time < this.#electorDueAt) return undefined;
    const burned = (pool * BigInt(rewards.feeBurnPpm)) / PPM;
    const message = tickMessage(prev, time, minted + pool - burned, evidence);
    const bytes = encode(Message, message).slice();
    return { message, hash: sha256(bytes), bytes, minted, burned };
  }

  /**
   * Re-executes a round another validator proposed (consensus §4.3, "checked"): its messages on
   * this node's final state, at its time, by its producer. The candidate is valid when both blocks
   * come out with the hashes it names; its time may not run ahead of `latestTime` (this node's
   * clock with the drift it allows). CHAIN_BAD_CANDIDATE says why not.
   */
  async checkRound(wire: Candidate, latestTime: bigint): Promise<RoundCandidate> {
    const bad = (why: string) => new ChainError("CHAIN_BAD_CANDIDATE", why);
    // A copy that does not make the blocks it names is not that candidate at all, only a wrong
    // copy of it (any peer can send one): it says nothing of the value, unlike a rule broken by
    // the blocks themselves, which are pinned by their hashes.
    const mismatch = (why: string) => new ChainError("CHAIN_CANDIDATE_MISMATCH", why);
    const externalsOf = (list: readonly Uint8Array[], workchain: bigint): ExternalMessage[] =>
      list.map((bytes) => {
        let message: Message;
        try {
          // Views into `bytes`, which the ExternalMessage keeps with it (as the mempool's).
          message = decodeViews(Message, bytes);
        } catch (e) {
          if (e instanceof CodecError) throw mismatch(`a message does not decode: ${e.message}`);
          throw e;
        }
        if (message.kind !== "externalIn" || message.dest.workchain !== workchain)
          throw mismatch("a message is not an external message for its chain");
        // The canonical decode makes these bytes encode(message), so their hash is its hash.
        return { message, hash: sha256(bytes), bytes };
      });
    const externals = {
      shard: externalsOf(wire.shardExternals, BASECHAIN),
      mc: externalsOf(wire.mcExternals, MASTERCHAIN),
    };
    const built = await this.buildRound(wire.time, externals, wire.producer, wire.evidence);
    if (!equalBytes(built.shard.hash, wire.shardHash) || !equalBytes(built.hash, wire.mcHash))
      throw mismatch("its blocks are not what its messages make on this node's state");
    if (wire.time > latestTime) throw bad(`its time ${wire.time} is ahead of this node's clock`);
    if (this.validatorSet.indexOf(wire.producer) < 0) throw bad("its producer is not a validator");
    if (externalBytes(externals) > MAX_ROUND_MESSAGE_BYTES)
      throw bad(`its messages take more than ${MAX_ROUND_MESSAGE_BYTES} bytes`);
    // A message a final round gave its status runs once (chain §7.2): a proposer that offers it
    // again would have its round overwrite that status.
    const statuses = await this.messageStatuses([...externals.shard, ...externals.mc].map((m) => m.hash));
    if (statuses.some((s) => s?.kind === "final")) throw bad("a message is in a final block already");
    const seen = new Set<string>();
    for (const e of wire.evidence) {
      // Recorded first: a recorded offender has left the set (staking §6), so it is no member now.
      const k = toHex(keys.evidence(e.first));
      if (seen.has(k) || (await this.evidenceRecorded(e))) throw bad("its evidence is recorded already");
      const why = evidenceError(this.genesisHash, (k) => this.validatorSet.indexOf(k) >= 0, e);
      if (why !== null) throw bad(`its evidence is not evidence: ${why}`);
      seen.add(k);
    }
    return built;
  }

  /**
   * Writes a round once it is final (chain §4.1): both blocks, their transactions, queue changes,
   * message statuses, the commit that makes it final and the new head, in one batch.
   */
  async commitRound(candidate: RoundCandidate, commit: Commit): Promise<RoundResult> {
    const { shard, mc } = candidate;
    if (
      !equalBytes(mc.header.prevHash, this.#mc.hash) ||
      !equalBytes(shard.header.prevHash, this.#shard.hash)
    )
      throw new Error(`round ${candidate.seqno} does not follow the head: it was built on another one`);
    if (
      !sameChain(commit.chain, MC_CHAIN) ||
      commit.height !== candidate.seqno ||
      !equalBytes(commit.value, candidate.hash)
    )
      throw new Error(`the commit is not for masterchain block ${candidate.seqno}`);
    const shardTip = { header: shard.header, hash: shard.hash };

    // The blocks and the records go to the store's blob log, where LevelDB does not sort them
    // again and again (chain §6.2); `B` and `X` name where each is.
    const blocks = [shard, mc].map((c) =>
      encode(Block, {
        header: c.header,
        transactions: c.txs.map((x) => x.hash),
        inMsgs: c.inMsgs,
        outMsgs: c.outMsgs,
      }),
    );
    // The round's candidate goes last, for peers that sync (consensus §8.2); in LevelDB its
    // messages, a few hundred KiB a round, would be merged again at every level (measured: the
    // one-node rate fell from about 5,800 to 3,000 transfers/s).
    const refs = await this.store.appendBlobs([
      ...blocks,
      ...shard.txs.map((x) => x.record),
      ...mc.txs.map((x) => x.record),
      encode(Candidate, candidate.wire),
    ]);
    const roundRef = refs[refs.length - 1];
    const written = [
      { c: shard, tip: shardTip, blockRef: refs[0], txRefs: refs.slice(2, 2 + shard.txs.length) },
      {
        c: mc,
        tip: { header: mc.header, hash: mc.hash },
        blockRef: refs[1],
        txRefs: refs.slice(2 + shard.txs.length, refs.length - 1),
      },
    ];
    // The fees since the last tick went to the elector, or were burned, with this one (staking §5.1);
    // a round without a tick had none.
    const supply = {
      ...this.#head.supply,
      minted: this.#head.supply.minted + mc.header.minted,
      burned: this.#head.supply.burned + mc.header.burned,
      rewardPool: 0n,
    };
    const ops: WriteOp[] = [];
    const txs: RoundResult["txs"] = [];
    const statuses: RoundResult["statuses"] = [];
    const recent: { hash: Uint8Array; value: Uint8Array }[] = [];
    for (const { c, tip, blockRef, txRefs } of written) {
      txs.push(...c.txs);
      ops.push(...blockOps(tip, blockRef));
      ops.push(...roundOps(c, txRefs));
      for (const s of c.statuses) {
        const value = encode(MessageStatus, s.status);
        statuses.push(s);
        recent.push({ hash: s.hash, value });
        ops.push({ type: "put", key: keys.status(s.hash), value });
      }
      supply.balances += c.balanceDelta;
      supply.rewardPool += c.header.fees;
      supply.queued += c.header.valueExported - c.header.valueImported;
    }
    // Imported queue entries leave their queue in the same batch.
    for (const c of [shard, mc]) for (const key of c.importedKeys) ops.push({ type: "del", key });
    checkSupply(supply, `masterchain block ${mc.header.seqno}`);
    const head: Head = { mc: { seqno: mc.header.seqno, hash: mc.hash }, genesis: this.#head.genesis, supply };
    ops.push({ type: "put", key: keys.commit(mc.hash), value: encode(Commit, commit) });
    ops.push({ type: "put", key: keys.round(mc.hash), value: roundRef });
    for (const e of mc.header.evidence)
      ops.push({ type: "put", key: keys.evidence(e.first), value: encode(t.u64, mc.header.seqno) });
    if (mc.nextConfig !== null) {
      ops.push({
        type: "put",
        key: keys.config(mc.header.configHash),
        value: encode(ChainConfig, mc.nextConfig),
      });
      ops.push({ type: "put", key: keys.keyBlock(mc.header.seqno), value: mc.header.configHash });
    }
    ops.push({ type: "put", key: keys.head(), value: encode(Head, head) });
    await this.state.commitMany(
      [
        { workchain: BASECHAIN, prepared: shard.state },
        { workchain: MASTERCHAIN, prepared: mc.state },
      ],
      ops,
    );
    this.#head = head;
    for (const c of [shard, mc]) this.#queuedMessages += c.exported.length - c.importedKeys.length;
    this.#shard = shardTip;
    this.#mc = { header: mc.header, hash: mc.hash };
    // A vote passed or a new set took over: the next block runs under the new config (chain §3.2).
    if (mc.nextConfig !== null) this.#useConfig(mc.nextConfig, mc.header.configHash);
    if (mc.electorDueAt !== null) this.#electorDueAt = mc.electorDueAt;
    // Copies: the encodings are carved from a chunk of the round's encodings (codec's arena).
    for (const r of recent) this.#recentStatuses.set(r.hash, r.value.slice(), 1);
    return { mc: this.#mc, shard: shardTip, txs, statuses };
  }

  async block(hash: Uint8Array): Promise<Block | null> {
    return readBlock(this.store, hash);
  }

  async blockHashAt(workchain: bigint, seqno: bigint): Promise<Uint8Array | null> {
    return (await this.store.get(keys.seqno(workchain, seqno))) ?? null;
  }

  /** The commit that made masterchain block `hash` final (consensus §3.4); null for block 0 and others. */
  async commit(hash: Uint8Array): Promise<Commit | null> {
    const bytes = await this.store.get(keys.commit(hash));
    return bytes === undefined ? null : decode(Commit, bytes);
  }

  /** A config this chain has had in force, by its hash (chain §3.1), encoded; null when none. */
  async configByHash(hash: Uint8Array): Promise<Uint8Array | null> {
    return (await this.store.get(keys.config(hash))) ?? null;
  }

  /**
   * The masterchain blocks after `after` that put a new config in force (chain §3.1), oldest
   * first, at most `limit`: with each its header, commit and the config it names, a client
   * follows the validator sets from one it trusts to the one in force.
   */
  async keyBlocks(
    after: bigint,
    limit: number,
  ): Promise<
    { seqno: bigint; hash: Uint8Array; header: BlockHeader; commit: Commit | null; config: Uint8Array }[]
  > {
    const out = [];
    const start = keys.keyBlock(after + 1n);
    for await (const [k, configHash] of this.store.entries({
      start,
      end: prefixEnd(Uint8Array.of(PREFIX.KEY_BLOCK)),
      limit,
    })) {
      const seqno = new DataView(k.buffer, k.byteOffset + 1, 8).getBigUint64(0);
      const hash = await this.blockHashAt(MASTERCHAIN, seqno);
      const block = hash === null ? null : await readBlock(this.store, hash);
      const config = await this.store.get(keys.config(configHash));
      if (hash === null || block === null || config === undefined)
        throw new ChainError("CHAIN_CORRUPT", `key block ${seqno} or its config is missing`);
      out.push({ seqno, hash, header: block.header, commit: await this.commit(hash), config });
    }
    return out;
  }

  /** Whether a final masterchain block has recorded this double signing (consensus §5.2). */
  async evidenceRecorded(e: Evidence): Promise<boolean> {
    return (await this.store.get(keys.evidence(e.first))) !== undefined;
  }

  /**
   * The encoded Candidate of the round that made masterchain block `hash` (chain §4.6): what a
   * peer that syncs runs again. Null for block 0 and for blocks written before format 6 kept it.
   */
  async roundOf(hash: Uint8Array): Promise<Uint8Array | null> {
    const ref = await this.store.get(keys.round(hash));
    return ref === undefined ? null : this.store.readBlob(ref);
  }

  async transaction(hash: Uint8Array): Promise<TxRecord | null> {
    const indexed = await this.store.get(keys.tx(hash));
    return indexed === undefined ? null : this.#txRecord(hash, indexed);
  }

  /**
   * The record an `X` entry names (chain §6.2): a blob reference, or the record itself in a store
   * written before format 5. Checked against its hash, so a damaged log is an error, not a lie.
   */
  async #txRecord(hash: Uint8Array, indexed: Uint8Array): Promise<TxRecord> {
    const what = `the stored record of transaction ${toHex(hash)}`;
    const record = await readStored(this.store, indexed, TxRecord, what);
    if (!equalBytes(hashOf(Transaction, record.transaction), hash))
      throw new ChainError("CHAIN_CORRUPT", `${what} is not that transaction`);
    return record;
  }

  /** An account's transactions, newest first, before `beforeLt` when given. */
  async history(
    address: LedgerAddress,
    limit: number,
    beforeLt?: bigint,
  ): Promise<{ hash: Uint8Array; record: TxRecord }[]> {
    const start = keys.historyStart(address.workchain, address.id);
    const end =
      beforeLt === undefined ? prefixEnd(start) : keys.history(address.workchain, address.id, beforeLt);
    const hashes: Uint8Array[] = [];
    for await (const [, h] of this.store.entries({ start, end, limit, reverse: true })) hashes.push(h);
    const indexed = await this.store.getMany(hashes.map((h) => keys.tx(h)));
    const out: { hash: Uint8Array; record: TxRecord }[] = [];
    for (const [i, hash] of hashes.entries()) {
      const at = indexed[i];
      if (at === undefined)
        throw new ChainError("CHAIN_CORRUPT", `the history names a missing transaction ${toHex(hash)}`);
      out.push({ hash, record: await this.#txRecord(hash, at) });
    }
    return out;
  }

  async messageStatus(hash: Uint8Array): Promise<MessageStatus | null> {
    const bytes = this.#recentStatuses.get(hash) ?? (await this.#readStatus(keys.status(hash)));
    return bytes === undefined ? null : decode(MessageStatus, bytes);
  }

  /** The statuses of many messages, with one read of the store for those not in memory. */
  async messageStatuses(hashes: readonly Uint8Array[]): Promise<(MessageStatus | null)[]> {
    const out = new Array<MessageStatus | null>(hashes.length).fill(null);
    const stored: number[] = [];
    for (let i = 0; i < hashes.length; i++) {
      const bytes = this.#recentStatuses.get(hashes[i]);
      if (bytes === undefined) stored.push(i);
      else out[i] = decode(MessageStatus, bytes);
    }
    const found = await this.store.getMany(stored.map((i) => keys.status(hashes[i])));
    for (let j = 0; j < stored.length; j++) {
      const bytes = found[j];
      if (bytes !== undefined) out[stored[j]] = decode(MessageStatus, bytes);
    }
    return out;
  }

  /**
   * A status from the store, read together with the others asked for in the same turn of the
   * event loop. The mempool asks for every message a client sends, and almost always finds nothing:
   * one synchronous miss each cost the block builder's thread 2.5% of its time under the
   * transfer load, where an RPC batch's hundred now cost it one trip to LevelDB's threads.
   */
  #readStatus(key: Uint8Array): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#statusReads.length === 0) setImmediate(() => void this.#flushStatusReads());
      this.#statusReads.push({ key, resolve, reject });
    });
  }

  async #flushStatusReads(): Promise<void> {
    const reads = this.#statusReads;
    this.#statusReads = [];
    try {
      const found = await this.store.getMany(reads.map((r) => r.key));
      for (let i = 0; i < reads.length; i++) reads[i].resolve(found[i]);
    } catch (e) {
      for (const r of reads) r.reject(e);
    }
  }
}

/**
 * chain §2.5: why `commit` does not make masterchain block (`seqno`, `hash`) of the network
 * `network` final under `validators`, or null when it does. Block 0 is final by the genesis alone.
 */
export function finalityError(
  network: Uint8Array,
  validators: readonly Validator[],
  block: { seqno: bigint; hash: Uint8Array },
  commit: Commit | null,
): string | null {
  if (block.seqno === 0n)
    return equalBytes(block.hash, network) ? null : "block 0 is not this network's genesis";
  if (commit === null) return "the block has no commit";
  if (
    !sameChain(commit.chain, MC_CHAIN) ||
    commit.height !== block.seqno ||
    !equalBytes(commit.value, block.hash)
  )
    return "the commit is for another block";
  return commitError(network, new ValidatorSet(validators), commit);
}

/**
 * The block a `B` entry names (chain §6.2): a blob reference, or the block itself in a store
 * written before format 5. Checked against its hash, as a transaction's record is.
 */
async function readBlock(store: KvStore, hash: Uint8Array): Promise<Block | null> {
  const indexed = await store.get(keys.block(hash));
  if (indexed === undefined) return null;
  const block = await readStored(store, indexed, Block, `the stored block ${toHex(hash)}`);
  if (!equalBytes(blockHash(block.header), hash))
    throw new ChainError("CHAIN_CORRUPT", `the stored block ${toHex(hash)} is not that block`);
  return block;
}

/**
 * What a `B` or `X` entry holds (chain §6.2), through its blob reference when it is one. A
 * reference to nothing, or bytes that do not decode, are damage to the store: CHAIN_CORRUPT.
 */
async function readStored<T>(
  store: KvStore,
  indexed: Uint8Array,
  schema: Schema<T>,
  what: string,
): Promise<T> {
  try {
    return decode(schema, indexed.length === BLOB_REF_BYTES ? await store.readBlob(indexed) : indexed);
  } catch (e) {
    if (!(e instanceof StoreError && e.code === "STORE_BAD_REF") && !(e instanceof CodecError)) throw e;
    throw new ChainError("CHAIN_CORRUPT", `${what} does not read: ${(e as Error).message}`);
  }
}

function blockOps(tip: Tip, ref: Uint8Array): WriteOp[] {
  return [
    { type: "put", key: keys.block(tip.hash), value: ref },
    { type: "put", key: keys.seqno(tip.header.workchain, tip.header.seqno), value: tip.hash },
  ];
}

const emptyBlock = (tip: Tip) =>
  encode(Block, { header: tip.header, transactions: [], inMsgs: [], outMsgs: [] });

function roundOps(c: Collated, refs: readonly Uint8Array[]): WriteOp[] {
  const ops: WriteOp[] = [];
  for (let i = 0; i < c.txs.length; i++) {
    const { hash, account, lt } = c.txs[i];
    ops.push({ type: "put", key: keys.tx(hash), value: refs[i] });
    ops.push({ type: "put", key: keys.history(account.workchain, account.id, lt), value: hash });
  }
  for (const e of c.exported) {
    ops.push({
      type: "put",
      key: keys.queue(e.destWorkchain, e.lt, e.hash),
      value: e.bytes,
    });
  }
  return ops;
}

function formatRecord(format: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, format);
  return out;
}

/** The store's format; a store without the record predates it (format 1). */
function readFormat(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 1;
  if (bytes.length !== 4) throw new ChainError("CHAIN_CORRUPT", "the store's format record is damaged");
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}
