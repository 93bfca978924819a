// The candidates of the height being decided (consensus §4.3): the wire form each proposal
// brought, and once built or checked here, the round ready to be written. Keyed by the hash
// consensus decides; bounded, since a peer may send many proposals; cleared at each new height.
import { toHex } from "../bytes/index.ts";
import type { Candidate, RoundCandidate } from "../chain/index.ts";

const MAX_CANDIDATES = 64;

export interface CandidateEntry {
  wire: Candidate;
  built?: RoundCandidate;
}

export class Candidates {
  readonly #map = new Map<string, CandidateEntry>();

  get(hash: Uint8Array): CandidateEntry | undefined {
    return this.#map.get(toHex(hash));
  }

  /** Keeps the first wire form of a hash: a later copy is the same bytes or a lie. */
  add(hash: Uint8Array, wire: Candidate, built?: RoundCandidate): CandidateEntry {
    const k = toHex(hash);
    let entry = this.#map.get(k);
    if (entry === undefined) {
      if (this.#map.size >= MAX_CANDIDATES) {
        // The oldest unbuilt one goes: a built one is this node's own or checked, worth keeping.
        for (const [key, e] of this.#map)
          if (e.built === undefined) {
            this.#map.delete(key);
            break;
          }
        if (this.#map.size >= MAX_CANDIDATES) return { wire, built };
      }
      entry = { wire };
      this.#map.set(k, entry);
    }
    if (built !== undefined) entry.built = built;
    return entry;
  }

  clear(): void {
    this.#map.clear();
  }
}
