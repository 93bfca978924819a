// A map bounded by the cost of what it holds, forgetting the least recently used entry first: the
// shard store's caches of decoded accounts and contract storage. Only content-addressed entries go
// in (a key is the hash of its value), so an entry is never stale, only absent.

export class Lru<V> {
  readonly maxCost: number;
  // Map keeps insertion order: a hit moves to the end, so the first entry is the oldest.
  readonly #entries = new Map<string, { value: V; cost: number }>();
  #cost = 0;

  constructor(maxCost: number) {
    if (!Number.isSafeInteger(maxCost) || maxCost < 0) throw new RangeError(`maxCost: ${maxCost}`);
    this.maxCost = maxCost;
  }

  get size(): number {
    return this.#entries.size;
  }

  get cost(): number {
    return this.#cost;
  }

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: string, value: V, cost: number): void {
    this.delete(key);
    if (cost > this.maxCost) return;
    this.#entries.set(key, { value, cost });
    this.#cost += cost;
    while (this.#cost > this.maxCost) {
      const [oldest, e] = this.#entries.entries().next().value as [string, { cost: number }];
      this.#entries.delete(oldest);
      this.#cost -= e.cost;
    }
  }

  delete(key: string): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    this.#entries.delete(key);
    this.#cost -= e.cost;
  }
}
