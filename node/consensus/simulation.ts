// A simulated network for the consensus machine (test support): validators as HeightMachines
// that exchange real signed messages through a seeded network with delays, drops, duplicates,
// reordering and partitions, with crashes that restart from the node's own log, and with
// Byzantine members that equivocate or vote twice. Every run is a function of its seed.
import { toHex } from "../bytes/index.ts";
import { keyPairFromSeed, sha256 } from "../crypto/index.ts";
import { HeightMachine, type Input, type Output, type Timeouts } from "./machine.ts";
import {
  type ChainId,
  type Commit,
  type ConsensusSigner,
  type Evidence,
  keyConsensusSigner,
  type Proposal,
  signProposal,
  signVote,
  type Vote,
} from "./messages.ts";
import { commitError, ValidatorSet } from "./validatorSet.ts";

/** mulberry32: a small, seedable generator, integers only. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
  /** True with probability perMille / 1000. */
  chance(perMille: number): boolean {
    return this.below(1000) < perMille;
  }
}

export type Behaviour = "honest" | "silent" | "equivocate" | "doubleVote";

export interface Partition {
  fromMs: number;
  toMs: number;
  /** Members that can reach each other; a member in no group is cut off from all. */
  groups: number[][];
}

export interface SimOptions {
  seed: number;
  stakes: bigint[];
  behaviours?: Behaviour[];
  heights: number;
  timeouts?: Timeouts;
  delay?: { minMs: number; maxMs: number };
  /** Before `gstMs`: per-mille chance that a message is dropped or sent twice. */
  dropPerMille?: number;
  duplicatePerMille?: number;
  gstMs?: number;
  partitions?: Partition[];
  crashes?: { node: number; atMs: number; restartMs: number }[];
  maxMs?: number;
  resendMs?: number;
}

type Msg =
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  | { kind: "syncRequest"; height: bigint }
  | { kind: "syncResponse"; commits: Commit[] };

/** The message an output sends, if it sends one. */
function wireOf(out: Output): Msg | null {
  if (out.kind === "proposal") return { kind: "proposal", proposal: out.proposal };
  if (out.kind === "vote") return { kind: "vote", vote: out.vote };
  if (out.kind !== "relay") return null;
  const m = out.message;
  return "proposal" in m ? { kind: "proposal", proposal: m.proposal } : { kind: "vote", vote: m.vote };
}

interface Event {
  at: number;
  seq: number;
  run: () => void;
}

class Queue {
  readonly #heap: Event[] = [];
  #seq = 0;
  push(at: number, run: () => void): void {
    const h = this.#heap;
    h.push({ at, seq: this.#seq++, run });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Event | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

const NETWORK = sha256(new TextEncoder().encode("gram simulated network"));
const CHAIN: ChainId = { workchain: -1n, shard: 0x8000_0000_0000_0000n };
const KEYS = Array.from({ length: 16 }, (_, i) => keyPairFromSeed(sha256(Uint8Array.of(7, i))));

class SimNode {
  machine!: HeightMachine;
  readonly index: number;
  readonly signer: ConsensusSigner;
  readonly behaviour: Behaviour;
  /** Signatures of the messages of this height already passed on (gossip sends each once). */
  relayed = new Set<string>();
  height = 0n;
  crashed = false;
  incarnation = 0;
  readonly decisions: Commit[] = [];
  /** Own messages of the current height, written before they are sent (the write-ahead log). */
  wal: { votes: Vote[]; proposals: Proposal[] } = { votes: [], proposals: [] };
  future: { from: number; msg: Msg }[] = [];
  lastSyncAsk = -1_000_000;
  readonly evidence: Evidence[] = [];
  constructor(index: number, signer: ConsensusSigner, behaviour: Behaviour) {
    this.index = index;
    this.signer = signer;
    this.behaviour = behaviour;
  }
}

export interface SimResult {
  /** Per node: the value decided at each height (hex), in order. */
  decided: string[][];
  commits: Commit[][];
  honest: number[];
  /** Every vote an honest key signed, for the double-signing check. */
  honestVotes: Vote[];
  evidence: Evidence[][];
  badCommits: number;
  endMs: number;
  set: ValidatorSet;
}

export function simulate(o: SimOptions): SimResult {
  const rng = new Rng(o.seed);
  const n = o.stakes.length;
  const behaviours = o.behaviours ?? o.stakes.map(() => "honest" as Behaviour);
  const set = new ValidatorSet(o.stakes.map((stake, i) => ({ publicKey: KEYS[i].publicKey, stake })));
  const timeouts = o.timeouts ?? { proposeMs: 300, prevoteMs: 100, precommitMs: 100, deltaMs: 50 };
  const delay = o.delay ?? { minMs: 1, maxMs: 40 };
  const gst = o.gstMs ?? 0;
  const maxMs = o.maxMs ?? 600_000;
  const resendMs = o.resendMs ?? 500;
  const queue = new Queue();
  let now = 0;
  /** Candidates by hash: whether they are valid. */
  const candidates = new Map<string, boolean>();
  let candidateCount = 0;
  const honestVotes: Vote[] = [];
  let badCommits = 0;

  const nodes = o.stakes.map((_, i) => new SimNode(i, keyConsensusSigner(KEYS[i]), behaviours[i]));
  const honest = nodes.filter((x) => x.behaviour === "honest").map((x) => x.index);

  const newCandidate = (valid: boolean): Uint8Array => {
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setUint32(0, o.seed);
    new DataView(bytes.buffer).setUint32(4, candidateCount++);
    const value = sha256(bytes);
    candidates.set(toHex(value), valid);
    return value;
  };

  const connected = (a: number, b: number): boolean => {
    for (const p of o.partitions ?? []) {
      if (now < p.fromMs || now >= p.toMs) continue;
      if (!p.groups.some((g) => g.includes(a) && g.includes(b))) return false;
    }
    return true;
  };

  const send = (from: number, to: number, msg: Msg): void => {
    if (from === to) return;
    const copies = now < gst && rng.chance(o.duplicatePerMille ?? 0) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      if (now < gst && rng.chance(o.dropPerMille ?? 0)) continue;
      const at = now + delay.minMs + rng.below(delay.maxMs - delay.minMs + 1);
      queue.push(at, () => {
        // A partition cuts a message off when it would arrive.
        if (connected(from, to)) deliver(nodes[to], from, msg);
      });
    }
  };

  const broadcast = (from: SimNode, msgFor: (to: number) => Msg): void => {
    for (let to = 0; to < n; to++) if (to !== from.index) send(from.index, to, msgFor(to));
  };

  const later = (node: SimNode, ms: number, run: () => void): void => {
    const incarnation = node.incarnation;
    const height = node.height;
    queue.push(now + ms, () => {
      if (node.crashed || node.incarnation !== incarnation || node.height !== height) return;
      run();
    });
  };

  const feed = (node: SimNode, input: Input): void => {
    act(node, node.machine.handle(input));
  };

  const startHeight = (node: SimNode): void => {
    node.machine = new HeightMachine({
      network: NETWORK,
      chain: CHAIN,
      height: node.height,
      validators: set,
      signer: node.signer,
      timeouts,
      restored: node.wal,
    });
    act(node, node.machine.start());
    const buffered = node.future;
    node.future = [];
    for (const b of buffered) deliver(node, b.from, b.msg);
  };

  const decide = (node: SimNode, commit: Commit): void => {
    node.decisions.push(commit);
    node.height++;
    node.wal = { votes: [], proposals: [] };
    node.relayed = new Set();
    startHeight(node);
  };

  const otherValue = (value: Uint8Array): Uint8Array => newCandidate(candidates.get(toHex(value)) ?? true);

  const act = (node: SimNode, outputs: Output[]): void => {
    for (const out of outputs) {
      if (node.height !== node.machine.height) return;
      switch (out.kind) {
        case "proposal": {
          node.wal.proposals.push(out.proposal);
          if (node.behaviour === "silent") break;
          if (node.behaviour === "equivocate") {
            // A second candidate for the same round, sent to every other member.
            const other = signProposal(
              NETWORK,
              { ...out.proposal, value: otherValue(out.proposal.value) },
              node.signer,
            );
            broadcast(node, (to) => ({ kind: "proposal", proposal: to % 2 === 0 ? out.proposal : other }));
          } else broadcast(node, () => ({ kind: "proposal", proposal: out.proposal }));
          break;
        }
        case "vote": {
          node.wal.votes.push(out.vote);
          if (node.behaviour === "honest") honestVotes.push(out.vote);
          if (node.behaviour === "silent") break;
          if (node.behaviour === "doubleVote") {
            const v = out.vote;
            const value =
              v.value === null
                ? otherValue(new Uint8Array(32))
                : rng.chance(500)
                  ? null
                  : otherValue(v.value);
            const other = signVote(NETWORK, { ...v, value }, node.signer);
            broadcast(node, (to) => ({ kind: "vote", vote: to % 2 === 0 ? v : other }));
          } else broadcast(node, () => ({ kind: "vote", vote: out.vote }));
          break;
        }
        case "relay": {
          const msg = wireOf(out);
          if (node.behaviour !== "silent" && msg !== null) broadcast(node, () => msg);
          break;
        }
        case "getValue": {
          const round = out.round;
          later(node, 1 + rng.below(20), () =>
            feed(node, { kind: "value", round, value: newCandidate(true) }),
          );
          break;
        }
        case "validate":
        case "need": {
          const value = out.value;
          const known = candidates.get(toHex(value));
          if (known === undefined) break;
          later(node, 1 + rng.below(out.kind === "need" ? 60 : 20), () =>
            feed(node, { kind: "validated", value, valid: known }),
          );
          break;
        }
        case "timer": {
          const { round, step } = out;
          later(node, out.ms, () => feed(node, { kind: "timeout", round, step }));
          break;
        }
        case "decide":
          decide(node, out.commit);
          return;
        case "evidence":
          node.evidence.push(out.evidence);
          break;
      }
    }
  };

  function deliver(node: SimNode, from: number, msg: Msg): void {
    if (node.crashed) return;
    if (msg.kind === "syncRequest") {
      const commits = node.decisions.slice(Number(msg.height), Number(msg.height) + 16);
      if (commits.length > 0 && node.behaviour !== "silent")
        send(node.index, from, { kind: "syncResponse", commits });
      return;
    }
    if (msg.kind === "syncResponse") {
      for (const c of msg.commits) {
        if (c.height !== node.height) continue;
        if (commitError(NETWORK, set, c) !== null || candidates.get(toHex(c.value)) !== true) {
          badCommits++;
          return;
        }
        decide(node, c);
      }
      return;
    }
    const height = msg.kind === "proposal" ? msg.proposal.height : msg.vote.height;
    if (height < node.height) return;
    if (height > node.height) {
      if (node.future.length < 1_000) node.future.push({ from, msg });
      if (now - node.lastSyncAsk >= 200) {
        node.lastSyncAsk = now;
        send(node.index, from, { kind: "syncRequest", height: node.height });
      }
      return;
    }
    // Gossip: a member passes on each message the first time it sees it.
    const id = toHex(msg.kind === "proposal" ? msg.proposal.signature : msg.vote.signature);
    if (node.relayed.has(id)) return;
    node.relayed.add(id);
    if (node.behaviour !== "silent") broadcast(node, () => msg);
    feed(
      node,
      msg.kind === "proposal"
        ? { kind: "proposal", proposal: msg.proposal }
        : { kind: "vote", vote: msg.vote },
    );
  }

  const scheduleResend = (node: SimNode): void => {
    const incarnation = node.incarnation;
    queue.push(now + resendMs, () => {
      if (node.crashed || node.incarnation !== incarnation) return;
      // Resent messages are on the log already; only honest behaviour matters after a heal.
      if (node.behaviour !== "silent")
        for (const out of node.machine.resend()) {
          const msg = wireOf(out);
          if (msg !== null) broadcast(node, () => msg);
        }
      scheduleResend(node);
    });
  };

  for (const node of nodes) {
    startHeight(node);
    scheduleResend(node);
  }
  for (const c of o.crashes ?? []) {
    const node = nodes[c.node];
    queue.push(c.atMs, () => {
      node.crashed = true;
      node.incarnation++;
    });
    queue.push(c.restartMs, () => {
      node.crashed = false;
      node.incarnation++;
      node.future = [];
      node.relayed = new Set();
      // What survives a crash: the decided heights and the log of own messages of the current one.
      startHeight(node);
      scheduleResend(node);
    });
  }

  const done = () => honest.every((i) => nodes[i].decisions.length >= o.heights && !nodes[i].crashed);
  for (let e = queue.pop(); e !== undefined && e.at <= maxMs; e = queue.pop()) {
    now = e.at;
    e.run();
    if (done()) break;
  }
  return {
    decided: nodes.map((x) => x.decisions.map((c) => toHex(c.value))),
    commits: nodes.map((x) => x.decisions),
    honest,
    honestVotes,
    evidence: nodes.map((x) => x.evidence),
    badCommits,
    endMs: now,
    set,
  };
}

/** Two votes of one key for one (height, round, type) that name different values. */
export function doubleSigned(votes: readonly Vote[]): Vote[] | null {
  const seen = new Map<string, Vote>();
  for (const v of votes) {
    const key = `${toHex(v.validator)}:${v.height}:${v.round}:${v.type}`;
    const first = seen.get(key);
    const name = (x: Vote) => (x.value === null ? "nil" : toHex(x.value));
    if (first === undefined) seen.set(key, v);
    else if (name(first) !== name(v)) return [first, v];
  }
  return null;
}

export { CHAIN as SIM_CHAIN, KEYS as SIM_KEYS, NETWORK as SIM_NETWORK };
