// Our own per-peer scores and bans, kept apart from gossipsub's (which only sees gossip): the
// request protocols and the layers above penalize here too. Pure: the clock comes in.

export interface PeerScoresOptions {
  /** A peer whose score falls below this is banned. */
  banScore: number;
  banMs: number;
  /** Scores recover toward 0 with this half-life. */
  halfLifeMs: number;
  now: () => number;
}

interface Entry {
  score: number;
  /** When `score` was last brought up to date. */
  atMs: number;
}

/** Entries whose score has recovered to within this of 0 are forgotten. */
const FORGET_BELOW = 0.01;
/** Past this many tracked peers, recovered entries are swept out. */
const SWEEP_AT = 1024;

export class PeerScores {
  readonly #opts: PeerScoresOptions;
  readonly #scores = new Map<string, Entry>();
  /** peer → time its ban ends. */
  readonly #bans = new Map<string, number>();

  constructor(opts: PeerScoresOptions) {
    this.#opts = opts;
  }

  score(peer: string): number {
    const entry = this.#scores.get(peer);
    if (entry === undefined) return 0;
    this.#recover(entry);
    return entry.score;
  }

  /**
   * Lowers a peer's score by `points`. Returns true when this call banned it (the caller then
   * hangs up); a peer already banned stays banned until its ban ends.
   */
  penalize(peer: string, points: number): boolean {
    if (!Number.isFinite(points) || points < 0) {
      throw new RangeError(`points must be a finite number >= 0, got ${points}`);
    }
    if (this.isBanned(peer)) return false;
    let entry = this.#scores.get(peer);
    if (entry === undefined) {
      if (this.#scores.size >= SWEEP_AT) this.#sweep();
      entry = { score: 0, atMs: this.#opts.now() };
      this.#scores.set(peer, entry);
    } else this.#recover(entry);
    entry.score -= points;
    if (entry.score >= this.#opts.banScore) return false;
    // A ban wipes the score: once it ends, the peer starts over.
    this.#scores.delete(peer);
    this.#bans.set(peer, this.#opts.now() + this.#opts.banMs);
    return true;
  }

  isBanned(peer: string): boolean {
    const until = this.#bans.get(peer);
    if (until === undefined) return false;
    if (this.#opts.now() < until) return true;
    this.#bans.delete(peer);
    return false;
  }

  #recover(entry: Entry): void {
    const now = this.#opts.now();
    const elapsed = now - entry.atMs;
    if (elapsed <= 0) return;
    entry.score *= 0.5 ** (elapsed / this.#opts.halfLifeMs);
    entry.atMs = now;
  }

  #sweep(): void {
    for (const [peer, entry] of this.#scores) {
      this.#recover(entry);
      if (entry.score > -FORGET_BELOW) this.#scores.delete(peer);
    }
    // isBanned deletes an ended ban; deleting the current key while iterating a Map is safe.
    for (const peer of this.#bans.keys()) this.isBanned(peer);
  }
}
