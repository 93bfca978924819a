import { describe, expect, test } from "vitest";
import { apiMethods } from "../api/index.ts";
import { toHex } from "../bytes/index.ts";
import {
  ext,
  GENESIS_TIME,
  GRAM,
  keyOf,
  testChain,
  transfer,
  validatorKey,
  walletOf,
} from "../chain/testkit.ts";
import { decode, encode } from "../codec/index.ts";
import { Account } from "../ledger/index.ts";
import { Mempool } from "../mempool/index.ts";
import { type AccountProofJson, verifyAccountProof } from "./verify.ts";

async function answer(address: string) {
  const { chain, host } = await testChain([
    { seed: "alice", balance: 10n * GRAM },
    { seed: "bob", balance: GRAM },
  ]);
  const m = transfer("alice", 0n, [{ to: walletOf("bob"), valueNano: GRAM }]);
  await chain.produceRound(GENESIS_TIME + 1n, {
    shard: [ext(m)],
    mc: [],
  });
  const mempool = new Mempool({}, { chain, now: () => GENESIS_TIME });
  const methods = apiMethods({ chain, mempool, host, network: "test", now: () => GENESIS_TIME });
  const ctx = {} as never;
  const r = (await methods.getAccount.handler(methods.getAccount.params({ address }), ctx)) as {
    balance: string;
    proof: AccountProofJson;
  };
  return { r, chain, network: chain.genesisHash };
}

const validators = [{ publicKey: validatorKey.publicKey, stake: 1n }];
const raw = (a: { workchain: bigint; id: Uint8Array }) => `${a.workchain}:${toHex(a.id)}`;

describe("verifyAccountProof", () => {
  test("accepts a node's honest answer and gives the proved balance", async () => {
    const { r, network } = await answer(raw(walletOf("bob")));
    const v = verifyAccountProof(r.proof, walletOf("bob"), validators, network);
    expect(v.account?.balance.toString()).toBe(r.balance);
    expect(v.mcSeqno).toBe(1n);
  });

  test("proves that an account does not exist", async () => {
    const nobody = { workchain: 0n, id: new Uint8Array(32).fill(7) };
    const { r, network } = await answer(raw(nobody));
    expect(verifyAccountProof(r.proof, nobody, validators, network).account).toBe(null);
  });

  test("catches a lying node: a changed balance, another account, untrusted signers, a swapped block", async () => {
    const { r, network } = await answer(raw(walletOf("bob")));
    const bob = walletOf("bob");
    const lies: [string, AccountProofJson, typeof validators, RegExp][] = [];
    const acct = decode(Account, Buffer.from(r.proof.account as string, "hex"));
    const richer = toHex(encode(Account, { ...acct, balance: acct.balance * 10n }));
    lies.push(["balance", { ...r.proof, account: richer }, validators, /not the one the proof commits to/]);
    lies.push([
      "signers",
      r.proof,
      [{ publicKey: keyOf("someone").publicKey, stake: 1n }],
      /not a validator of this set/,
    ]);
    const commit = r.proof.masterchain.commit;
    if (commit === null) throw new Error("the proof has no commit");
    const forged = {
      ...commit,
      signatures: commit.signatures.map((s) => ({ ...s, signature: "11".repeat(64) })),
    };
    lies.push([
      "forged commit",
      { ...r.proof, masterchain: { ...r.proof.masterchain, commit: forged } },
      validators,
      /bad signature/,
    ]);
    lies.push([
      "no commit",
      { ...r.proof, masterchain: { ...r.proof.masterchain, commit: null } },
      validators,
      /has no commit/,
    ]);
    lies.push([
      "another round",
      { ...r.proof, masterchain: { ...r.proof.masterchain, commit: { ...commit, round: commit.round + 1 } } },
      validators,
      /bad signature/,
    ]);
    lies.push([
      "block",
      { ...r.proof, block: { ...r.proof.block, hash: "00".repeat(32) } },
      validators,
      /does not hash/,
    ]);
    lies.push(["absence", { ...r.proof, account: null }, validators, /no account was sent/]);
    for (const [, proof, vs, message] of lies)
      expect(() => verifyAccountProof(proof, bob, vs, network)).toThrow(message);
    // The proof of bob is no proof of alice, and no proof on another network.
    expect(() => verifyAccountProof(r.proof, walletOf("alice"), validators, network)).toThrow(
      /does not check out/,
    );
    expect(() => verifyAccountProof(r.proof, bob, validators, new Uint8Array(32))).toThrow(/bad signature/);
  });
});
