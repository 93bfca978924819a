// The candidates of the height being decided (consensus §4.3): the wire form each proposal
// brought, who sent it, and once built or checked here, the round ready to be written. Keyed by
// the hash consensus decides; bounded in count and bytes, since a peer may send many proposals;
// cleared at each new height.
import { toHex } from "../bytes/index.ts";
import type { Candidate, RoundCandidate } from "../chain/index.ts";

const MAX_CANDIDATES = 64;
/** Candidates not yet checked may hold this much in all; a built one always has a place. */
const MAX_UNCHECKED_BYTES = 64 * 1024 * 1024;

export interface CandidateEntry {
  wire: Candidate;
  /** The peer it came from ("" for this node's own): the one to blame for a wrong copy. */
  from: string;
  built?: RoundCandidate;
}

/** The bytes a candidate's messages take: what it costs to keep. */
export function wireBytes(wire: Candidate): number {
  let n = 0;
  for (const m of wire.shardExternals) n += m.length;
  for (const m of wire.mcExternals) n += m.length;
  return n;
}

export class Candidates {
  readonly #map = new Map<string, CandidateEntry>();
  #uncheckedBytes = 0;

  get(hash: Uint8Array): CandidateEntry | undefined {
    return this.#map.get(toHex(hash));
  }

  /**
   * Keeps the first copy of a hash: a later one is the same bytes or a wrong copy. False when
   * there is no room for an unchecked one (it can be asked for again later).
   */
  add(hash: Uint8Array, wire: Candidate, from: string, built?: RoundCandidate): boolean {
    const k = toHex(hash);
    const entry = this.#map.get(k);
    if (entry !== undefined) {
      if (built !== undefined && entry.built === undefined) this.#check(entry, built);
      return true;
    }
    if (
      built === undefined &&
      (this.#map.size >= MAX_CANDIDATES || this.#uncheckedBytes + wireBytes(wire) > MAX_UNCHECKED_BYTES)
    )
      return false;
    this.#map.set(k, { wire, from, built });
    if (built === undefined) this.#uncheckedBytes += wireBytes(wire);
    return true;
  }

  /** The candidate of `hash` checked: it stays until the height ends. */
  checked(hash: Uint8Array, built: RoundCandidate): void {
    const entry = this.#map.get(toHex(hash));
    if (entry !== undefined && entry.built === undefined) this.#check(entry, built);
  }

  #check(entry: CandidateEntry, built: RoundCandidate): void {
    entry.built = built;
    this.#uncheckedBytes -= wireBytes(entry.wire);
  }

  /** Forgets a wrong copy, so the right one can be asked for. */
  drop(hash: Uint8Array): void {
    const k = toHex(hash);
    const entry = this.#map.get(k);
    if (entry === undefined) return;
    if (entry.built === undefined) this.#uncheckedBytes -= wireBytes(entry.wire);
    this.#map.delete(k);
  }

  clear(): void {
    this.#map.clear();
    this.#uncheckedBytes = 0;
  }
}
