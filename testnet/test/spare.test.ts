// A spare on real processes: `gram testnet up --validators 1 --spare 1` runs two nodes, one
// validator and one node outside the validator set, which is up once it follows the chain and
// then keeps following it (the same blocks as the validator's) without being in the set in force.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toHex } from "../../node/bytes/index.ts";
import { readKey } from "../../node/datadir/index.ts";
import { RpcClient } from "../../node/rpcclient/index.ts";
import { freeBasePort } from "../ports.ts";
import type { NodeStatus } from "../status.ts";
import { crash, gramJson, startUp, type Up } from "./harness.ts";

let root: string;
let dir: string;
let env: NodeJS.ProcessEnv;
let base: number;
let up: Up | null = null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const client = (i: number) => new RpcClient(`http://127.0.0.1:${base + i}`, { timeoutMs: 10_000 });
const headOf = async (i: number) =>
  (await client(i).call<{ masterchain: { seqno: number } }>("getChainInfo")).masterchain.seqno;
const hashAt = async (i: number, seqno: number) =>
  (await client(i).call<{ hash: string }>("getBlock", { masterchain: true, seqno })).hash;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gram-spare-"));
  dir = join(root, "net");
  base = await freeBasePort(2);
  env = { ...process.env, GRAM_HOME: join(root, "home") };
  up = await startUp(env, ["--validators", "1", "--spare", "1", "--dir", dir, "--base-port", String(base)]);
}, 90_000);

afterAll(async () => {
  await crash(up, dir);
  await rm(root, { recursive: true, force: true });
}, 30_000);

describe("a testnet with a spare", () => {
  test("the spare follows the chain, outside the validator set in force", async () => {
    const keys = await Promise.all(
      [0, 1].map(async (i) => toHex((await readKey(join(dir, `node-${i}`))).publicKey)),
    );
    expect(up?.output()).toMatch(/Started a new Gram testnet of 1 validator and 1 spare in /);
    expect(up?.output()).toMatch(
      new RegExp(`\\n +1 +spare +http://127\\.0\\.0\\.1:${base + 1} +[0-9]+ +${keys[1]} `),
    );
    expect(up?.output()).toContain(`--validator-key ${join(dir, "node-1")}`);

    const status = await gramJson<{ nodes: NodeStatus[] }>(env, ["testnet", "status", "--dir", dir]);
    expect(status.nodes.map((n) => [n.index, n.role, n.validatorKey, n.alive])).toEqual([
      [0, "validator", keys[0], true],
      [1, "spare", keys[1], true],
    ]);

    // Both nodes hold the same set in force, which names the validator and not the spare.
    for (const i of [0, 1]) {
      const config = await client(i).call<{ validators: { publicKey: string }[] }>("getConfig");
      expect(config.validators.map((v) => v.publicKey)).toEqual([keys[0]]);
    }

    // It follows: its head moves on, block by block the validator's.
    const from = await headOf(1);
    const deadline = Date.now() + 30_000;
    while ((await headOf(1)) <= from + 1) {
      if (Date.now() > deadline) throw new Error(`the spare stays at masterchain block ${await headOf(1)}`);
      await sleep(200);
    }
    const seqno = await headOf(1);
    expect(seqno).toBeGreaterThan(from + 1);
    expect(await hashAt(1, seqno)).toBe(await hashAt(0, seqno));
  }, 60_000);
});
