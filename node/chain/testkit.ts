// Builders for chain tests: a genesis with funded wallets from string seeds, and transfers.

import { encode } from "../codec/index.ts";
import { keyPairFromSeed, sha256 } from "../crypto/index.ts";
import { type LedgerAddress, Message } from "../ledger/index.ts";
import { testFees } from "../ledger/testkit.ts";
import { MemoryStore } from "../store/index.ts";
import { DEFAULT_GOVERNANCE } from "../system/index.ts";
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
