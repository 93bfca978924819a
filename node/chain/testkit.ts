// Builders for chain tests: a genesis with funded wallets from string seeds, and transfers.

import { encode } from "../codec/index.ts";
import { keyPairFromSeed, sha256, sign } from "../crypto/index.ts";
import { type LedgerAddress, Message } from "../ledger/index.ts";
import { GRAM, testFees } from "../ledger/testkit.ts";
import { MemoryStore } from "../store/index.ts";
import { DEFAULT_GOVERNANCE, ELECTOR_ADDRESS, ELECTOR_OP, stakeProofMessage } from "../system/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { type Payment, transferMessage, walletAddress } from "../wallet/index.ts";
import { Chain, keySigner } from "./chain.ts";
import type { ExternalMessage } from "./collate.ts";
import type { Genesis } from "./genesis.ts";

export { GRAM, testFees } from "../ledger/testkit.ts";
export const GENESIS_TIME = 1_700_000_000n;

export const keyOf = (seed: string) => keyPairFromSeed(sha256(new TextEncoder().encode(seed)));
export const validatorKey = keyOf("chain test validator");

export function testGenesis(
  wallets: { seed: string; balance: bigint; workchain?: bigint }[],
  over: Partial<Genesis["config"]> = {},
): Genesis {
  return {
    network: "test",
    time: GENESIS_TIME,
    config: {
      fees: testFees,
      maxBlockTransactions: 1_000,
      getMethodGasLimit: 100_000n,
      ...DEFAULT_GOVERNANCE,
      validators: [{ publicKey: validatorKey.publicKey, stake: 1n }],
      ...over,
    },
    accounts: wallets.map((w) => {
      const key = keyOf(w.seed);
      return {
        address: walletAddress(key.publicKey, 0n, w.workchain ?? 0n),
        balance: w.balance,
        wallet: { publicKey: key.publicKey, subwalletId: 0n },
      };
    }),
  };
}

/** A chain in memory from `testGenesis(wallets)`, block 0 written, signed by `validatorKey`. */
export async function testChain(wallets: { seed: string; balance: bigint; workchain?: bigint }[]) {
  const host = createCachingHost();
  const chain = await Chain.init(new MemoryStore(), testGenesis(wallets), {
    host,
    signer: keySigner(validatorKey),
  });
  return { chain, host };
}

export function walletOf(seed: string, workchain = 0n): LedgerAddress {
  return walletAddress(keyOf(seed).publicKey, 0n, workchain);
}

export function transfer(
  seed: string,
  seqno: bigint,
  payments: Payment[],
  validUntil = GENESIS_TIME + 3_600n,
  workchain = 0n,
) {
  return transferMessage({ key: keyOf(seed), subwalletId: 0n, seqno, validUntil, payments, workchain });
}

/** A message as the mempool hands it to a round: with its hash and the bytes that were sent. */
export function ext(m: Message): ExternalMessage {
  if (m.kind !== "externalIn") throw new TypeError("ext: expected an external inbound message");
  const bytes = encode(Message, m);
  return { hash: sha256(bytes), message: m, bytes };
}

/**
 * A chain whose first election (rounds of 60 s) put the node's own key in force with a real stake
 * from alice's wallet: block 0's set is replaced by a key block (chain §3.1) at GENESIS_TIME + 61.
 */
export async function electedChain() {
  const genesis = testGenesis([{ seed: "alice", balance: 100_000n * GRAM }], {
    elections: { roundSeconds: 60, openBefore: 45, closeBefore: 15, holdSeconds: 15 },
    stakes: { min: 1_000n * GRAM, max: 1_000_000n * GRAM, minTotal: 1_000n * GRAM, maxFactor: 3 * 65_536 },
  });
  const store = new MemoryStore();
  const host = createCachingHost();
  const chain = await Chain.init(store, genesis, { host, signer: keySigner(validatorKey) });
  const none = { shard: [], mc: [] };
  const t0 = GENESIS_TIME;
  await chain.produceRound(t0 + 15n, none);
  const wallet = walletOf("alice");
  const proof = sign(stakeProofMessage(chain.genesisHash, t0 + 60n, wallet), validatorKey.secretKey);
  const stake = transfer("alice", 0n, [
    {
      to: ELECTOR_ADDRESS,
      valueNano: 5_000n * GRAM,
      body: [ELECTOR_OP.STAKE, validatorKey.publicKey, proof],
    },
  ]);
  await chain.produceRound(t0 + 16n, { shard: [ext(stake)], mc: [] });
  await chain.produceRound(t0 + 17n, none);
  await chain.produceRound(t0 + 45n, none);
  await chain.produceRound(t0 + 61n, none);
  return { chain, store, host, genesis };
}
