// Who is subscribed to what: topic → key → subscriptions, and owner → subscriptions, so that
// publish finds its receivers without a scan and a closed connection drops all of its own.
import { invalidParams, RpcError, RpcErrorCode } from "./errors.ts";
import type { TopicSpec } from "./interface.ts";
import { quote } from "./params.ts";

export interface Subscription<O> {
  id: string;
  owner: O;
  topic: string;
  /** undefined: every key of the topic. */
  key: string | undefined;
}

interface TopicIndex<O> {
  spec: TopicSpec;
  anyKey: Map<string, Subscription<O>>;
  byKey: Map<string, Map<string, Subscription<O>>>;
}

export class Subscriptions<O> {
  readonly #topics = new Map<string, TopicIndex<O>>();
  readonly #byOwner = new Map<O, Map<string, Subscription<O>>>();
  readonly #maxPerOwner: number;
  #next = 0;
  #count = 0;

  constructor(topics: Readonly<Record<string, TopicSpec>>, maxPerOwner: number) {
    for (const [name, spec] of Object.entries(topics)) {
      this.#topics.set(name, { spec, anyKey: new Map(), byKey: new Map() });
    }
    this.#maxPerOwner = maxPerOwner;
  }

  get size(): number {
    return this.#count;
  }

  /** Adds a subscription for a client; INVALID_PARAMS for a bad topic or key, LIMIT_EXCEEDED past the cap. */
  add(owner: O, topic: string, key: string | undefined): string {
    const index = this.#topics.get(topic);
    if (index === undefined) {
      const known = [...this.#topics.keys()].join(", ") || "none";
      throw invalidParams("topic", `unknown topic ${quote(topic)} (topics: ${known})`);
    }
    if (!index.spec.keyed && key !== undefined) throw invalidParams("key", `topic "${topic}" takes no key`);
    const canonical = key === undefined ? undefined : normalize(index.spec, key);
    const own = this.#byOwner.get(owner) ?? new Map<string, Subscription<O>>();
    if (own.size >= this.#maxPerOwner) {
      throw new RpcError(
        RpcErrorCode.LIMIT_EXCEEDED,
        `at most ${this.#maxPerOwner} subscriptions per connection`,
      );
    }
    const sub: Subscription<O> = { id: String(++this.#next), owner, topic, key: canonical };
    own.set(sub.id, sub);
    this.#byOwner.set(owner, own);
    this.#bucket(index, canonical, true)!.set(sub.id, sub);
    this.#count++;
    return sub.id;
  }

  /** Removes one of the owner's subscriptions; false when it has none with that id. */
  remove(owner: O, id: string): boolean {
    const sub = this.#byOwner.get(owner)?.get(id);
    if (sub === undefined) return false;
    this.#drop(sub);
    return true;
  }

  removeAll(owner: O): void {
    for (const sub of [...(this.#byOwner.get(owner)?.values() ?? [])]) this.#drop(sub);
  }

  /** True when some subscription of `topic` exists, keyed or not. */
  any(topic: string): boolean {
    const index = this.#topics.get(topic);
    return index !== undefined && (index.anyKey.size > 0 || index.byKey.size > 0);
  }

  /** The subscriptions a publish reaches, copied so receivers may be dropped meanwhile. Throws TypeError on misuse. */
  matching(topic: string, key: string | undefined): Subscription<O>[] {
    const index = this.#topics.get(topic);
    if (index === undefined) throw new TypeError(`publish: unknown topic ${quote(topic)}`);
    if (index.spec.keyed !== (typeof key === "string")) {
      throw new TypeError(`publish: topic "${topic}" ${index.spec.keyed ? "needs a key" : "takes no key"}`);
    }
    // Most publishes reach nobody: nothing to copy or normalise then.
    if (index.anyKey.size === 0 && index.byKey.size === 0) return [];
    const all = [...index.anyKey.values()];
    if (key === undefined) return all;
    const keyed = index.byKey.get(index.spec.normalizeKey ? index.spec.normalizeKey(key) : key);
    return keyed === undefined ? all : all.concat([...keyed.values()]);
  }

  #drop(sub: Subscription<O>): void {
    const own = this.#byOwner.get(sub.owner)!;
    own.delete(sub.id);
    if (own.size === 0) this.#byOwner.delete(sub.owner);
    const index = this.#topics.get(sub.topic)!;
    const bucket = this.#bucket(index, sub.key, false)!;
    bucket.delete(sub.id);
    if (sub.key !== undefined && bucket.size === 0) index.byKey.delete(sub.key);
    this.#count--;
  }

  #bucket(index: TopicIndex<O>, key: string | undefined, create: boolean) {
    if (key === undefined) return index.anyKey;
    let bucket = index.byKey.get(key);
    if (bucket === undefined && create) {
      bucket = new Map();
      index.byKey.set(key, bucket);
    }
    return bucket;
  }
}

function normalize(spec: TopicSpec, key: string): string {
  if (spec.normalizeKey === undefined) return key;
  try {
    return spec.normalizeKey(key);
  } catch (err) {
    if (err instanceof RpcError) throw err;
    throw invalidParams("key", err instanceof Error ? err.message : String(err));
  }
}
