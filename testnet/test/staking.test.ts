// A whole staking cycle on a network of processes (staking §2–§6, config §4): four genesis
// validators and one spare on loopback, rounds of a minute. A gas price vote fails with half the
// stake and passes with 3/4; three validators and the spare stake and are elected; the spare
// validates; a validator that signs two prevotes (injected) is fined and taken out of the set; the
// next election leaves it out; its stake, less the fine, comes back after the hold; the round's
// rewards are paid pro rata; and all five nodes hold one chain with the supply kept.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import { encode, t } from "../../node/codec/index.ts";
import { type KeyPair, sign } from "../../node/crypto/index.ts";
import { readKey } from "../../node/datadir/index.ts";
import { type LedgerAddress, Message } from "../../node/ledger/index.ts";
import { RpcClient } from "../../node/rpcclient/index.ts";
import {
  CONFIG_ADDRESS,
  CONFIG_OP,
  ELECTOR_ADDRESS,
  ELECTOR_OP,
  stakeProofMessage,
  voteMessage,
} from "../../node/system/index.ts";
import { type Payment, transferMessage } from "../../node/wallet/index.ts";
import { testAccounts, testKeyPair } from "../accounts.ts";
import { LOG_FILE } from "../layout.ts";
import { readManifest } from "../manifest.ts";
import { freeBasePort } from "../ports.ts";
import { spawnLogged, stopProcesses } from "../processes.ts";
import { crash, GRAM_TS, startUp, type Up } from "./harness.ts";

const VALIDATORS = 4;
const NODES = VALIDATORS + 1;
const GRAM = 1_000_000_000n;
const STAKE = 20_000n * GRAM;

interface Node {
  index: number;
  rpc: RpcClient;
  dataDir: string;
  pid: number | null;
  key: KeyPair;
  hex: string;
}

let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;
let up: Up | null = null;
let nodes: Node[] = [];
let genesis: Uint8Array;
let genesisTime = 0;
const restarted: number[] = [];
const accounts = testAccounts();
const walletKey = testKeyPair();
const seqnos = new Map<number, bigint>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // a node busy or restarting: ask again
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s (logs in ${dir})`);
    await sleep(everyMs);
  }
}

const rpc = () => nodes[0].rpc;
const chainTime = async () =>
  (await rpc().call<{ masterchain: { time: number } }>("getChainInfo")).masterchain.time;
const untilTime = (what: string, at: number, timeoutMs: number) =>
  waitFor(`${what} (masterchain time ${at})`, timeoutMs, async () => (await chainTime()) >= at);

interface Member {
  publicKey: string;
  stake: string;
  reward: string;
  fine: string;
  wallet: string | null;
}
interface Round {
  since: number;
  until: number;
  members: Member[];
  removed: Member[];
}
const validators = () => rpc().call<{ current: Round; next: Round | null }>("getValidators");
const config = () =>
  rpc().call<{
    version: number;
    params: Record<string, string>;
    validators: { publicKey: string }[];
    validatorsUntil: number;
  }>("getConfig");

/** Sends a transfer from test wallet `w` (subwallet id = index) and waits until it is final. */
async function send(w: number, payments: Payment[]): Promise<void> {
  const seqno = seqnos.get(w) ?? 0n;
  seqnos.set(w, seqno + 1n);
  const m = transferMessage({
    key: walletKey,
    subwalletId: BigInt(w),
    seqno,
    validUntil: BigInt(Math.floor(Date.now() / 1000) + 120),
    payments,
    workchain: 0n,
  });
  const s = await sendExternal(m, `wallet ${w}'s transfer`);
  if (s.status !== "final") throw new Error(`wallet ${w}'s transfer: ${JSON.stringify(s)}`);
}

interface Status {
  status: string;
  exitCode?: number | null;
  reason?: string;
}

/** Sends an external message and waits until it is final or refused, in the mempool or a block. */
async function sendExternal(m: Message, what: string): Promise<Status> {
  let hash: string;
  try {
    ({ hash } = await rpc().call<{ hash: string }>("sendMessage", { message: toHex(encode(Message, m)) }));
  } catch (e) {
    // Refused before acceptance by the node's own check (chain §7.1): the reason names the exit code.
    const exit = /exit code ([0-9]+)/.exec((e as Error).message);
    if (exit === null) throw e;
    return { status: "refused", exitCode: Number(exit[1]), reason: (e as Error).message };
  }
  let status: Status = { status: "accepted" };
  await waitFor(`${what} is decided`, 30_000, async () => {
    status = await rpc().call<Status>("getMessageStatus", { hash });
    return status.status === "final" || status.status === "refused";
  });
  return status;
}

const wallet = (w: number): LedgerAddress => accounts[w].address;
const raw = (a: LedgerAddress) => `${a.workchain}:${toHex(a.id)}`;

async function stake(w: number, node: Node, electAt: number): Promise<void> {
  const proof = sign(stakeProofMessage(genesis, BigInt(electAt), wallet(w)), node.key.secretKey);
  await send(w, [
    {
      to: ELECTOR_ADDRESS,
      valueNano: STAKE,
      body: [ELECTOR_OP.STAKE, node.key.publicKey, proof],
      bounce: true,
    },
  ]);
}

async function vote(node: Node, id: number): Promise<Status> {
  const round = BigInt((await config()).validatorsUntil);
  const sig = sign(voteMessage(genesis, BigInt(id), round), node.key.secretKey);
  const m: Message = {
    kind: "externalIn",
    dest: CONFIG_ADDRESS,
    body: encode(t.vmValue, [CONFIG_OP.VOTE, BigInt(id), round, node.key.publicKey, sig]).slice(),
    init: null,
  };
  return sendExternal(m, `node ${node.index}'s vote`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-staking-"));
  dir = join(root, "net");
  env = { ...process.env, GRAM_HOME: join(root, "home") };
  const base = await freeBasePort(NODES);
  up = await startUp(
    env,
    ["--validators", String(VALIDATORS), "--spare", "1", "--dir", dir, "--base-port", String(base)],
    90_000,
  );
  const manifest = await readManifest(dir);
  if (manifest === null || manifest.nodes.length !== NODES)
    throw new Error(`no testnet.json of ${NODES} nodes`);
  nodes = await Promise.all(
    manifest.nodes.map(async (n) => {
      const key = await readKey(n.dataDir);
      return {
        index: n.index,
        rpc: new RpcClient(n.rpc),
        dataDir: n.dataDir,
        pid: n.pid,
        key,
        hex: toHex(key.publicKey),
      };
    }),
  );
  const info = await rpc().call<{ genesis: string }>("getChainInfo");
  genesis = Uint8Array.from(Buffer.from(info.genesis, "hex"));
  genesisTime = (await rpc().call<{ time: number }>("getBlock", { masterchain: true, seqno: 0 })).time;
}, 120_000);

afterAll(async () => {
  await stopProcesses(restarted, 10_000).catch(() => {});
  await crash(up, dir).catch(() => {});
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe("staking on a network of processes", () => {
  test("a vote, an election, a double signer fined, stakes and rewards back, one chain", async () => {
    const T = genesisTime;
    // Node 2 double-signs from just after the first elected round starts: restarted with the fault.
    const two = nodes[2];
    if (two.pid !== null) process.kill(two.pid, "SIGKILL");
    const child = spawnLogged(
      { file: process.execPath, args: [GRAM_TS, "node", "start", "--data-dir", two.dataDir] },
      join(two.dataDir, LOG_FILE),
      { ...env, GRAM_FAULT_EQUIVOCATE: `${two.hex}@${T + 65}` },
    );
    child.on("error", () => {});
    if (child.pid !== undefined) restarted.push(child.pid);

    // A gas price vote while the genesis set (four equal stakes) is in force: 2 of 4 is not 3/4.
    const price = BigInt((await config()).params["fees.gasPrice"]);
    await send(7, [
      {
        to: CONFIG_ADDRESS,
        valueNano: GRAM,
        body: [CONFIG_OP.PROPOSE, new TextEncoder().encode("fees.gasPrice"), price * 2n, BigInt(T + 50)],
        bounce: true,
      },
    ]);
    let id = 0;
    await waitFor("the proposal is open", 20_000, async () => {
      const { proposals } = await rpc().call<{ proposals: { id: number; param: string }[] }>("getProposals");
      id = proposals.find((p) => p.param === "fees.gasPrice")?.id ?? 0;
      return id > 0;
    });
    expect((await vote(nodes[0], id)).status).toBe("final");
    expect((await vote(nodes[1], id)).status).toBe("final");
    // The spare is no validator yet: refused before acceptance (config §4.2).
    expect(await vote(nodes[4], id)).toMatchObject({ status: "refused", exitCode: 116 });
    expect((await config()).params["fees.gasPrice"]).toBe(price.toString());
    expect((await vote(nodes[3], id)).status).toBe("final");
    await waitFor(
      "the vote passes",
      10_000,
      async () => (await config()).params["fees.gasPrice"] === (price * 2n).toString(),
    );
    expect((await config()).version).toBe(1);

    // Election 1 (for the round at T + 60): nodes 0, 1, 2 and the spare stake; node 3 does not.
    await untilTime("election 1 opens", T + 16, 30_000);
    const staking1: [number, Node][] = [
      [0, nodes[0]],
      [1, nodes[1]],
      [2, nodes[2]],
      [3, nodes[4]],
    ];
    await Promise.all(staking1.map(([w, n]) => stake(w, n, T + 60)));
    await waitFor("election 1 holds four offers", 20_000, async () => {
      const e = await rpc().call<{ election: { offers: unknown[] } | null }>("getElections");
      return e.election?.offers.length === 4;
    });
    await untilTime("the first elected set takes over", T + 61, 60_000);
    await waitFor(
      "the set in force is the elected one",
      10_000,
      async () => (await validators()).current.since === T + 60,
    );
    const set1 = (await validators()).current.members.map((m) => m.publicKey).sort();
    expect(set1).toEqual([nodes[0].hex, nodes[1].hex, nodes[2].hex, nodes[4].hex].sort());
    expect((await config()).validators.map((v) => v.publicKey)).not.toContain(nodes[3].hex);

    // The spare signs commits now.
    await waitFor("the spare signs a commit", 20_000, async () => {
      const b = await rpc().call<{ commit: { signatures: { publicKey: string }[] } | null }>("getBlock", {
        masterchain: true,
      });
      return b.commit?.signatures.some((s) => s.publicKey === nodes[4].hex) ?? false;
    });

    // Node 2 double-signs: its evidence is recorded, it is fined and leaves the set.
    await waitFor("the double signer is fined and removed", 30_000, async () => {
      const v = await validators();
      return v.current.removed.some((m) => m.publicKey === nodes[2].hex && BigInt(m.fine) > 0n);
    });
    const fined = (await validators()).current.removed.find((m) => m.publicKey === nodes[2].hex) as Member;
    expect(BigInt(fined.fine)).toBe((STAKE * 100_000n) / 1_000_000n);
    expect((await config()).validators.map((v) => v.publicKey)).not.toContain(nodes[2].hex);

    // Election 2 (for T + 120): nodes 0, 1, 3 and the spare; node 2's stake drops out.
    await untilTime("election 2 opens", T + 76, 30_000);
    await Promise.all(
      (
        [
          [0, nodes[0]],
          [1, nodes[1]],
          [5, nodes[3]],
          [3, nodes[4]],
        ] as [number, Node][]
      ).map(([w, n]) => stake(w, n, T + 120)),
    );
    await untilTime("the second set takes over", T + 121, 60_000);
    await waitFor(
      "round 1 is frozen and paid",
      10_000,
      async () => (await validators()).current.since === T + 120,
    );
    const set2 = (await validators()).current.members.map((m) => m.publicKey).sort();
    expect(set2).toEqual([nodes[0].hex, nodes[1].hex, nodes[3].hex, nodes[4].hex].sort());
    const e2 = await rpc().call<{
      frozen: { releaseAt: number; round: Round }[];
      lastReward: string;
      roundsPaid: number;
    }>("getElections");
    const paid = e2.frozen.find((f) => f.round.since === T + 60);
    if (paid === undefined) throw new Error("round 1 is not frozen");
    const rewards = paid.round.members.map((m) => BigInt(m.reward));
    expect(rewards.reduce((a, b) => a + b, 0n)).toBeLessThanOrEqual(BigInt(e2.lastReward));
    expect(BigInt(e2.lastReward) - rewards.reduce((a, b) => a + b, 0n)).toBeLessThan(BigInt(rewards.length));
    // At least the round's minting (a Gram a second for 60 s), and equal stakes earn alike.
    expect(BigInt(e2.lastReward)).toBeGreaterThanOrEqual(60n * GRAM);
    expect(new Set(rewards).size).toBe(1);
    expect(paid.round.removed.map((m) => [m.publicKey, m.reward])).toEqual([[nodes[2].hex, "0"]]);

    // After the hold, node 2's wallet recovers its stake less the fine.
    await untilTime("round 1's stakes are released", paid.releaseAt + 1, 40_000);
    const credit = async (w: number) =>
      BigInt((await rpc().call<{ credit: string }>("getElections", { wallet: raw(wallet(w)) })).credit);
    await waitFor("the credits are there", 10_000, async () => (await credit(2)) > 0n);
    expect(await credit(2)).toBe(STAKE - BigInt(fined.fine));
    expect(await credit(0)).toBe(STAKE + rewards[0]);
    const balance = async (w: number) =>
      BigInt((await rpc().call<{ balance: string }>("getAccount", { address: raw(wallet(w)) })).balance);
    const before = await balance(2);
    await send(2, [{ to: ELECTOR_ADDRESS, valueNano: GRAM, body: [ELECTOR_OP.RECOVER], bounce: true }]);
    await waitFor("node 2's wallet has its stake back", 20_000, async () => (await credit(2)) === 0n);
    await waitFor(
      "the stake arrives",
      20_000,
      async () => (await balance(2)) > before + STAKE - BigInt(fined.fine) - 2n * GRAM,
    );

    // One chain on every node, and every node's supply kept.
    const heads = await Promise.all(
      nodes.map(
        async (n) => (await n.rpc.call<{ masterchain: { seqno: number } }>("getChainInfo")).masterchain.seqno,
      ),
    );
    const top = Math.min(...heads);
    for (let s = 1; s <= top; s += Math.max(1, Math.floor(top / 40))) {
      const hashes = await Promise.all(
        nodes.map(
          async (n) => (await n.rpc.call<{ hash: string }>("getBlock", { masterchain: true, seqno: s })).hash,
        ),
      );
      expect(new Set(hashes).size, `masterchain block ${s}`).toBe(1);
    }
    for (const n of nodes) {
      const { supply } = await n.rpc.call<{ supply: Record<string, string> }>("getChainInfo");
      const s = Object.fromEntries(Object.entries(supply).map(([k, v]) => [k, BigInt(v)]));
      expect(s.balances + s.queued + s.rewardPool + s.burned).toBe(s.initial + s.minted);
    }
  }, 300_000);
});
