// The node's JSON-RPC methods (specs/rpc.md §2): a table of param checks and handlers over the
// chain, the mempool and the VM. Reads answer from the newest final state; every answer that a
// client may want to check carries what it needs to check it.

import type { Host, Value } from "../../vm/index.ts";
import { parseAddress } from "../address/index.ts";
import { fromHex, toHex } from "../bytes/index.ts";
import { BlockHeader, type Chain, ChainConfig, type MessageStatus, WORKCHAINS } from "../chain/index.ts";
import { decode, encode } from "../codec/index.ts";
import { toVmAddress } from "../execution/index.ts";
import { Account, type LedgerAddress } from "../ledger/index.ts";
import { type Mempool, MempoolError } from "../mempool/index.ts";
import {
  invalidParams,
  type MethodTable,
  method,
  type Parser,
  p,
  RpcError,
  RpcErrorCode,
} from "../rpc/index.ts";
import { encodeProof } from "../state/index.ts";
import { runContract } from "../system/index.ts";
import { vmFromJson, vmToJson } from "../vmjson/index.ts";
import { electionsView, paramsView, proposalsView, validatorsView } from "./governance.ts";
import { accountView, commitView, headerView, rawAddress, txView } from "./views.ts";

/** Application error codes (rpc §4). */
export const API_ERROR = {
  NOT_FOUND: -32004,
  BAD_ADDRESS: -32001,
  MESSAGE_REFUSED: -32010,
  BAD_MESSAGE: -32011,
  /** The mempool is full: the same message may be taken later. */
  BUSY: -32012,
} as const;

export interface ApiDeps {
  chain: Chain;
  mempool: Mempool;
  host: Host;
  network: string;
  /** Unix seconds. */
  now: () => bigint;
  /** Peers connected over the network; none for a node that is a network of one. */
  peers?: () => number;
}

const addressParam = p.string({ minLength: 1, maxLength: 100 });
/** A workchain that exists: −1, the masterchain, or 0, the basechain. */
const workchainParam: Parser<bigint> = (raw, field = "workchain") => {
  if (raw !== -1 && raw !== 0) throw invalidParams(field, `expected -1 or 0, got ${JSON.stringify(raw)}`);
  return BigInt(raw);
};
const hash32 = p.hex(32);

function address(text: string): LedgerAddress {
  try {
    const { address } = parseAddress(text);
    const workchain = BigInt(address.workchain);
    if (!WORKCHAINS.includes(workchain as -1n | 0n)) throw new Error(`workchain ${workchain} does not exist`);
    return { workchain, id: address.hash };
  } catch (e) {
    throw new RpcError(API_ERROR.BAD_ADDRESS, `bad address: ${(e as Error).message}`);
  }
}

function messageBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === null)
    throw new RpcError(API_ERROR.BAD_MESSAGE, "message: expected the message's encoding in hex");
  return bytes;
}

/** Fee estimates running at once, at most (rpc §2.12). */
const MAX_ESTIMATES = 64;

export function apiMethods(deps: ApiDeps): MethodTable {
  const { chain, mempool } = deps;
  let estimating = 0;

  const runGet = async (addr: LedgerAddress, name: string, args: Value[]) => {
    // The block the state was read at gives the run its time and end lt.
    const { account, code, storage, tip: read } = await chain.contract(addr);
    if (account === null || code === null)
      throw new RpcError(API_ERROR.NOT_FOUND, `${rawAddress(addr)} has no code to run`);
    if (account.status.kind === "frozen")
      throw new RpcError(
        API_ERROR.NOT_FOUND,
        `${rawAddress(addr)} is frozen for unpaid rent; it runs again once paid`,
      );
    const tip = read.header;
    const r = runContract({
      code,
      entry: name,
      stack: args,
      host: deps.host,
      storage,
      context: {
        address: toVmAddress(addr),
        balance: account.balance,
        msgValue: 0n,
        sender: null,
        now: tip.time,
        lt: tip.endLt,
        seed: new Uint8Array(32),
        config: chain.configParam,
      },
      gasLimit: chain.config.getMethodGasLimit,
    });
    return { exitCode: r.exitCode, gasUsed: r.gasUsed.toString(), stack: r.stack.map(vmToJson) };
  };

  return {
    getChainInfo: method({
      params: p.none,
      handler: () => {
        const { mc, shard, supply } = chain.head;
        return {
          network: deps.network,
          genesis: toHex(chain.genesisHash),
          masterchain: {
            seqno: Number(mc.header.seqno),
            hash: toHex(mc.hash),
            time: Number(mc.header.time),
            stateRoot: toHex(mc.header.stateRoot),
          },
          basechain: {
            seqno: Number(shard.header.seqno),
            hash: toHex(shard.hash),
            time: Number(shard.header.time),
            stateRoot: toHex(shard.header.stateRoot),
          },
          supply: {
            initial: supply.initial.toString(),
            minted: supply.minted.toString(),
            burned: supply.burned.toString(),
            balances: supply.balances.toString(),
            queued: supply.queued.toString(),
            rewardPool: supply.rewardPool.toString(),
          },
          pendingMessages: mempool.size,
          validators: chain.validatorSet.size,
          peers: deps.peers?.() ?? 0,
        };
      },
    }),

    getConfig: method({
      params: p.none,
      handler: () => {
        const c = chain.config;
        return {
          hash: toHex(chain.configHash),
          encoded: toHex(encode(ChainConfig, c)),
          fees: Object.fromEntries(Object.entries(c.fees).map(([k, v]) => [k, v.toString()])),
          maxBlockTransactions: c.maxBlockTransactions,
          getMethodGasLimit: c.getMethodGasLimit.toString(),
          validators: c.validators.map((v) => ({ publicKey: toHex(v.publicKey), stake: v.stake.toString() })),
          version: Number(c.version),
          validatorsSince: Number(c.validatorsSince),
          validatorsUntil: Number(c.validatorsUntil),
          params: paramsView(c),
        };
      },
    }),

    getConfigByHash: method({
      params: p.object({ hash: hash32 }),
      handler: async ({ hash }) => {
        const encoded = await chain.configByHash(hash);
        if (encoded === null) throw new RpcError(API_ERROR.NOT_FOUND, `no config ${toHex(hash)}`);
        return { hash: toHex(hash), encoded: toHex(encoded) };
      },
    }),

    getValidators: method({ params: p.none, handler: () => validatorsView(chain) }),

    getKeyBlocks: method({
      params: p.object({ after: p.uint(), limit: p.optional(p.uint({ min: 1, max: 64 })) }),
      handler: async ({ after, limit }) => ({
        keyBlocks: (await chain.keyBlocks(BigInt(after), limit ?? 64)).map((b) => ({
          seqno: Number(b.seqno),
          hash: toHex(b.hash),
          header: toHex(encode(BlockHeader, b.header)),
          commit: commitView(b.commit),
          config: toHex(b.config),
        })),
      }),
    }),

    getElections: method({
      params: p.object({ wallet: p.optional(addressParam) }),
      handler: ({ wallet }) => electionsView(chain, wallet === undefined ? null : address(wallet)),
    }),

    getProposals: method({ params: p.none, handler: () => proposalsView(chain) }),

    getBlock: method({
      params: p.object({
        workchain: p.optional(workchainParam),
        masterchain: p.optional(p.boolean),
        seqno: p.optional(p.uint()),
        hash: p.optional(hash32),
      }),
      handler: async ({ workchain, masterchain, seqno, hash }) => {
        const wc = workchain ?? (masterchain === false ? 0n : -1n);
        if (workchain !== undefined && masterchain !== undefined && masterchain !== (workchain === -1n))
          throw invalidParams("masterchain", `contradicts workchain ${workchain}`);
        let h = hash ?? null;
        if (h === null)
          h =
            seqno === undefined
              ? wc === -1n
                ? chain.head.mc.hash
                : chain.head.shard.hash
              : await chain.blockHashAt(wc, BigInt(seqno));
        const block = h === null ? null : await chain.block(h);
        if (block === null || h === null) throw new RpcError(API_ERROR.NOT_FOUND, "no such block");
        return {
          ...headerView(block.header, h),
          encodedHeader: toHex(encode(BlockHeader, block.header)),
          transactions: block.transactions.map(toHex),
          commit: commitView(await chain.commit(h)),
        };
      },
    }),

    getAccount: method({
      params: p.object({ address: addressParam }),
      handler: async ({ address: text }) => {
        const addr = address(text);
        const { proof, tip, mc } = await chain.accountProof(addr);
        const bytes = await chain.state.trie.get(tip.header.stateRoot, addr.id);
        const account = bytes === undefined ? null : decode(Account, bytes);
        return {
          ...accountView(addr, account),
          proof: {
            account: bytes === undefined ? null : toHex(bytes),
            trie: toHex(encodeProof(proof)),
            block: { hash: toHex(tip.hash), header: toHex(encode(BlockHeader, tip.header)) },
            masterchain: {
              hash: toHex(mc.hash),
              header: toHex(encode(BlockHeader, mc.header)),
              commit: commitView(await chain.commit(mc.hash)),
            },
          },
        };
      },
    }),

    getTransactions: method({
      params: p.object({
        address: addressParam,
        limit: p.optional(p.uint({ min: 1, max: 100 })),
        beforeLt: p.optional(p.bigintString({ min: 1n })),
      }),
      handler: async ({ address: text, limit, beforeLt }) => {
        const list = await chain.history(address(text), limit ?? 20, beforeLt);
        return list.map((x) => txView(x.hash, x.record));
      },
    }),

    getTransaction: method({
      params: p.object({ hash: hash32 }),
      handler: async ({ hash }) => {
        const r = await chain.transaction(hash);
        if (r === null) throw new RpcError(API_ERROR.NOT_FOUND, `no transaction ${toHex(hash)}`);
        return txView(hash, r);
      },
    }),

    sendMessage: method({
      params: p.object({ message: p.string({ maxLength: 2 * mempool.maxMessageBytes + 2 }) }),
      handler: async ({ message }) => {
        try {
          const hash = await mempool.submit(messageBytes(message));
          return { hash: toHex(hash), status: "accepted" };
        } catch (e) {
          if (e instanceof MempoolError)
            throw new RpcError(
              e.code === "MEMPOOL_REFUSED"
                ? API_ERROR.MESSAGE_REFUSED
                : e.code === "MEMPOOL_FULL"
                  ? API_ERROR.BUSY
                  : API_ERROR.BAD_MESSAGE,
              e.message,
              { reason: e.code, exitCode: e.exitCode },
            );
          throw e;
        }
      },
    }),

    getMessageStatus: method({
      params: p.object({ hash: hash32 }),
      handler: async ({ hash }) => messageStatusView(deps, hash),
    }),

    runGetMethod: method({
      params: p.object({
        address: addressParam,
        method: p.string({ minLength: 1, maxLength: 64 }),
        args: p.optional(p.array((x: unknown) => x, { maxLength: 32 })),
      }),
      handler: async ({ address: text, method: name, args }) => {
        if (name === "recv_internal" || name === "recv_external")
          throw new RpcError(RpcErrorCode.INVALID_PARAMS, `method: ${name} is a receiver, not a get-method`);
        let stack: Value[];
        try {
          stack = ((args ?? []) as unknown[]).map((a: unknown, i: number) => vmFromJson(a, `args[${i}]`));
        } catch (e) {
          throw new RpcError(RpcErrorCode.INVALID_PARAMS, (e as Error).message);
        }
        return runGet(address(text), name, stack);
      },
    }),

    estimateFee: method({
      params: p.object({ message: p.string({ maxLength: 2 * mempool.maxMessageBytes + 2 }) }),
      handler: async ({ message: hex }) => {
        // The mempool's own intake checks, so an estimate refuses what sending would.
        let m: ReturnType<Mempool["decodeExternal"]>;
        try {
          m = mempool.decodeExternal(messageBytes(hex), "estimated");
        } catch (e) {
          if (e instanceof MempoolError) throw new RpcError(API_ERROR.BAD_MESSAGE, e.message);
          throw e;
        }
        // A dry run holds its message and the contract's storage: bounded, like the mempool's.
        if (estimating >= MAX_ESTIMATES)
          throw new RpcError(API_ERROR.BUSY, "the node is estimating too many messages; try again shortly");
        estimating++;
        let r: Awaited<ReturnType<Chain["estimateExternal"]>>;
        try {
          r = await chain.estimateExternal(m, deps.now());
        } finally {
          estimating--;
        }
        if (r.kind === "refused")
          return { accepted: false, reason: r.reason, exitCode: r.exitCode, fee: "0" };
        return {
          accepted: true,
          fee: r.fees.toString(),
          gasUsed: r.gasUsed.toString(),
          exitCode: r.exitCode,
          forwardFees: r.fwdFees.toString(),
          messages: r.outMessages,
        };
      },
    }),
  };
}

export async function messageStatusView(deps: ApiDeps, hash: Uint8Array) {
  return statusView(hash, await deps.chain.messageStatus(hash), deps.mempool.has(hash));
}

/** rpc §2.10: a sent message's status as clients see it; `waiting` when the mempool holds it. */
export function statusView(hash: Uint8Array, s: MessageStatus | null, waiting: boolean) {
  // A refused message sent again waits anew: its old refusal is not its answer any more.
  if (s === null || (waiting && s.kind === "refused"))
    return { hash: toHex(hash), status: waiting ? "accepted" : "unknown" };
  if (s.kind === "refused")
    return { hash: toHex(hash), status: "refused", reason: s.reason, exitCode: s.exitCode };
  return {
    hash: toHex(hash),
    status: "final",
    transaction: toHex(s.txHash),
    block: { workchain: Number(s.workchain), seqno: Number(s.blockSeqno) },
    masterchainSeqno: Number(s.mcSeqno),
    exitCode: s.exitCode,
    success: s.success,
  };
}
