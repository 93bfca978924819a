// Parameter votes on one chain (config §4): a proposal passes with 3/4 of the stake and changes
// transfer fees from the next block; with less it does not; every bad proposal, vote and stake is
// refused with its reason and changes nothing.
import { describe, expect, test } from "vitest";
import { decode, encode, t } from "../codec/index.ts";
import { type KeyPair, sign } from "../crypto/index.ts";
import type { Message } from "../ledger/index.ts";
import { MemoryStore } from "../store/index.ts";
import {
  CONFIG_ADDRESS,
  CONFIG_EXIT,
  CONFIG_KEYS,
  CONFIG_OP,
  ELECTOR_ADDRESS,
  ELECTOR_EXIT,
  ELECTOR_KEYS,
  ELECTOR_OP,
  Proposals,
  Storage,
  stakeProofMessage,
  voteMessage,
} from "../system/index.ts";
import { createCachingHost } from "../vmhost/index.ts";
import { Chain, keySigner } from "./chain.ts";
import type { ExternalMessage } from "./collate.ts";
import { TxRecord } from "./records.ts";
import { ext, GENESIS_TIME, GRAM, keyOf, testGenesis, transfer, validatorKey, walletOf } from "./testkit.ts";

const others = [keyOf("validator a"), keyOf("validator b"), keyOf("validator c")];
const t0 = GENESIS_TIME;
const none: { shard: ExternalMessage[]; mc: ExternalMessage[] } = { shard: [], mc: [] };

/** The node's key holds 7 of 10: alone it makes blocks final, and alone it is below 3/4. */
async function votingChain() {
  const genesis = testGenesis([{ seed: "alice", balance: 100_000n * GRAM }], {
    validators: [
      { publicKey: validatorKey.publicKey, stake: 7n },
      ...others.map((k) => ({ publicKey: k.publicKey, stake: 1n })),
    ],
    voting: {
      proposalFee: GRAM,
      maxSeconds: 600,
      normal: { minWins: 1, maxLosses: 2 },
      critical: { minWins: 2, maxLosses: 2 },
    },
  });
  const chain = await Chain.init(new MemoryStore(), genesis, {
    host: createCachingHost(),
    signer: keySigner(validatorKey),
  });
  return chain;
}

function voteFrom(chain: Chain, key: KeyPair, id: bigint, signature?: Uint8Array): ExternalMessage {
  const round = chain.config.validatorsUntil;
  const sig = signature ?? sign(voteMessage(chain.genesisHash, id, round), key.secretKey);
  const m: Message = {
    kind: "externalIn",
    dest: CONFIG_ADDRESS,
    body: encode(t.vmValue, [CONFIG_OP.VOTE, id, round, key.publicKey, sig]).slice(),
    init: null,
  };
  return ext(m);
}

let seqno = 0n;
const propose = (name: string, value: bigint, expiresAt: bigint, fee = GRAM) =>
  ext(
    transfer("alice", seqno++, [
      {
        to: CONFIG_ADDRESS,
        valueNano: fee,
        body: [CONFIG_OP.PROPOSE, new TextEncoder().encode(name), value, expiresAt],
        bounce: true,
      },
    ]),
  );

async function proposals(chain: Chain) {
  return new Storage((await chain.contract(CONFIG_ADDRESS)).storage).read(CONFIG_KEYS.proposals, Proposals);
}

/** The exit code of the bounced message a round returned to a wallet, if any. */
function bouncedExit(txs: { record: Uint8Array }[]): number | null {
  for (const x of txs) {
    const r = decode(TxRecord, x.record);
    if (r.inMsg.kind === "internal" && r.inMsg.bounced) {
      const c = decode(t.vmValue, r.inMsg.body);
      // A bounce body is [BOUNCE_TAG, original body, phase, exit code] (ledger §6.6).
      if (Array.isArray(c) && typeof c[3] === "bigint") return Number(c[3]);
    }
  }
  return null;
}

describe("parameter votes", () => {
  test("a gas price vote passes with 3/4 of the stake, not with less, and fees change at the next block", async () => {
    seqno = 0n;
    const chain = await votingChain();
    const price = chain.config.fees.gasPrice;
    await chain.produceRound(t0 + 1n, { shard: [propose("fees.gasPrice", price * 2n, t0 + 300n)], mc: [] });
    await chain.produceRound(t0 + 2n, none);
    const open = (await proposals(chain))?.open ?? [];
    expect(open.map((p) => [p.id, p.param, p.value])).toEqual([[1n, "fees.gasPrice", price * 2n]]);

    // 7 of 10: taken, below 3/4, nothing changes.
    const r1 = await chain.produceRound(t0 + 3n, { shard: [], mc: [voteFrom(chain, validatorKey, 1n)] });
    expect(r1.statuses[0].status.kind).toBe("final");
    expect(chain.config.fees.gasPrice).toBe(price);
    expect((await proposals(chain))?.open[0].votedStake).toBe(7n);

    // Refused before acceptance, each with its reason, and nothing changes.
    const before = await proposals(chain);
    const stranger = keyOf("not a validator");
    const refusals = await chain.produceRound(t0 + 4n, {
      shard: [],
      mc: [
        voteFrom(chain, validatorKey, 1n),
        voteFrom(chain, stranger, 1n),
        voteFrom(chain, others[0], 1n, new Uint8Array(64).fill(1)),
        voteFrom(chain, others[0], 9n),
      ],
    });
    expect(
      refusals.statuses.map((s) => (s.status.kind === "refused" ? s.status.exitCode : s.status.kind)),
    ).toEqual([
      CONFIG_EXIT.ALREADY_VOTED,
      CONFIG_EXIT.NOT_VALIDATOR,
      CONFIG_EXIT.BAD_SIGNATURE,
      CONFIG_EXIT.NO_PROPOSAL,
    ]);
    expect(await proposals(chain)).toEqual(before);

    // A transfer at the old price, then 8 of 10: passed; the next block charges the new price.
    const fee = async (at: bigint) => {
      const r = await chain.produceRound(at, {
        shard: [ext(transfer("alice", seqno++, [{ to: walletOf("bob"), valueNano: GRAM }]))],
        mc: [],
      });
      const tx = decode(TxRecord, r.txs[0].record).transaction;
      return tx.compute.kind === "vm" ? { gas: tx.compute.gasUsed, fee: tx.compute.gasFee } : null;
    };
    const old = await fee(t0 + 5n);
    const passed = await chain.produceRound(t0 + 6n, { shard: [], mc: [voteFrom(chain, others[0], 1n)] });
    expect(passed.statuses[0].status.kind).toBe("final");
    expect(chain.config.fees.gasPrice).toBe(price * 2n);
    expect(chain.config.version).toBe(1n);
    expect((await proposals(chain))?.open).toEqual([]);
    const now = await fee(t0 + 7n);
    expect(now?.gas).toBe(old?.gas);
    expect(now?.fee).toBe((old?.fee ?? 0n) * 2n);
  });

  test("a proposal with less than 3/4 of the stake expires without effect", async () => {
    seqno = 0n;
    const chain = await votingChain();
    const price = chain.config.fees.gasPrice;
    await chain.produceRound(t0 + 1n, { shard: [propose("fees.gasPrice", price + 1n, t0 + 100n)], mc: [] });
    await chain.produceRound(t0 + 2n, none);
    await chain.produceRound(t0 + 3n, {
      shard: [],
      mc: [voteFrom(chain, validatorKey, 1n)],
    });
    await chain.produceRound(t0 + 101n, none);
    const late = await chain.produceRound(t0 + 102n, { shard: [], mc: [voteFrom(chain, others[1], 1n)] });
    expect(late.statuses[0].status).toMatchObject({ kind: "refused", exitCode: CONFIG_EXIT.NO_PROPOSAL });
    expect(chain.config.fees.gasPrice).toBe(price);
    expect(chain.config.version).toBe(0n);
  });

  test("malformed proposals are refused with their reasons and the fee comes back", async () => {
    seqno = 0n;
    const chain = await votingChain();
    const cases: [string, bigint, bigint, bigint, number][] = [
      ["fees.noSuchPrice", 1n, t0 + 100n, GRAM, CONFIG_EXIT.UNKNOWN_PARAM],
      ["maxBlockTransactions", 20_001n, t0 + 100n, GRAM, CONFIG_EXIT.BAD_VALUE],
      ["fees.gasCredit", chain.config.fees.gasLimit + 1n, t0 + 100n, GRAM, CONFIG_EXIT.BAD_VALUE],
      ["fees.gasPrice", 1n, t0 + 10_000n, GRAM, CONFIG_EXIT.BAD_EXPIRY],
      ["fees.gasPrice", 1n, t0 + 100n, GRAM / 2n, CONFIG_EXIT.FEE_TOO_SMALL],
    ];
    for (const [i, [name, value, expiresAt, fee, exit]] of cases.entries()) {
      const at = t0 + 10n * BigInt(i + 1);
      await chain.produceRound(at, { shard: [propose(name, value, expiresAt, fee)], mc: [] });
      const r = await chain.produceRound(at + 1n, none);
      // The config contract's transaction in the masterchain, then the bounce in the basechain.
      const back = await chain.produceRound(at + 2n, none);
      expect(bouncedExit([...r.txs, ...back.txs])).toBe(exit);
    }
    expect(await proposals(chain)).toBe(null);
    expect(chain.config.version).toBe(0n);
  });

  test("bad stakes are refused with their reasons and leave the election as it was", async () => {
    seqno = 0n;
    const chain = await votingChain();
    const alice = walletOf("alice");
    const stake = (amount: bigint, key: KeyPair, proofKey = key, electAt = 0n) =>
      ext(
        transfer(
          "alice",
          seqno++,
          [
            {
              to: ELECTOR_ADDRESS,
              valueNano: amount,
              bounce: true,
              body: [
                ELECTOR_OP.STAKE,
                key.publicKey,
                sign(stakeProofMessage(chain.genesisHash, electAt, alice), proofKey.secretKey),
              ],
            },
          ],
          t0 + 100_000n,
        ),
      );
    const electorState = async () => {
      const s = new Storage((await chain.contract(ELECTOR_ADDRESS)).storage);
      return [s.get(ELECTOR_KEYS.election), s.get(ELECTOR_KEYS.book)];
    };
    const min = chain.config.stakes.min;
    // Before the election opens (default rounds: 65,536 s, open 32,768 s before the end).
    const expectBounce = async (at: bigint, m: ExternalMessage, exit: number) => {
      const before = await electorState();
      await chain.produceRound(at, { shard: [m], mc: [] });
      const r = await chain.produceRound(at + 1n, none);
      const back = await chain.produceRound(at + 2n, none);
      expect(bouncedExit([...r.txs, ...back.txs])).toBe(exit);
      expect(await electorState()).toEqual(before);
    };
    await expectBounce(t0 + 1n, stake(min, validatorKey), ELECTOR_EXIT.NO_ELECTION);
    const open = t0 + 65_536n - 32_768n;
    await chain.produceRound(open, none);
    const electAt = t0 + 65_536n;
    await expectBounce(
      open + 1n,
      stake(min - 1n, validatorKey, validatorKey, electAt),
      ELECTOR_EXIT.STAKE_TOO_SMALL,
    );
    await expectBounce(open + 4n, stake(min, validatorKey, others[0], electAt), ELECTOR_EXIT.BAD_PROOF);
    await expectBounce(
      open + 7n,
      stake(min, validatorKey, validatorKey, electAt + 1n),
      ELECTOR_EXIT.BAD_PROOF,
    );
  });
});
