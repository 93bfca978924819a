// The per-message part of a dry run as it travels to a worker: one array, instead of the job's
// objects. Structured cloning copies each typed array and each object of a message on its own,
// and a wallet's job held eight arrays, nested objects and bigints: 14–22 µs per job on the
// calling thread (measured with v8.serialize), against 3 µs for one array of the same bytes. The
// account and the storage values go in their canonical encodings (codec §5), the ones the shard
// store keeps when the caller hands them in, so the layout follows their schemas by itself;
// everything else is fixed-width:
//
//   u8 upTo (0 accept, 1 end) ‖ u8 flags (1: inMsgHash, 2: keepEncodings) ‖ i32 workchain ‖
//   id (32) ‖ u64 now ‖ u64 lt ‖ seed (32) ‖ inMsgHash (32, when flagged) ‖
//   u32 account length (0xffffffff: none) ‖ account ‖ u32 message length ‖ message ‖
//   u32 storage items ‖ per item: u16 key length ‖ key ‖ u32 value length ‖ value
import { fromHex, toHex } from "../bytes/index.ts";
import { decode, encode, t } from "../codec/index.ts";
import { Account } from "../ledger/index.ts";
import type { DryRunJob } from "./dryRun.ts";

/** A job without the code and context, which travel by number (pool.ts). */
export type JobParts = Omit<DryRunJob, "code" | "context">;

const NO_ACCOUNT = 0xffff_ffff;
const HAS_IN_MSG_HASH = 1;
const KEEP_ENCODINGS = 2;

/**
 * The job in one array, from `alloc` (a zeroed array of n bytes; by default one of its own).
 */
export function packJob(
  job: JobParts,
  alloc: (n: number) => Uint8Array<ArrayBuffer> = (n) => new Uint8Array(n),
): Uint8Array<ArrayBuffer> {
  const { encoded } = job;
  if (encoded !== undefined && encoded.storage.length !== job.storage.length)
    throw new RangeError("encoded: one encoding per storage item");
  const account = job.account === null ? null : (encoded?.account ?? encode(Account, job.account));
  const keys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  for (let i = 0; i < job.storage.length; i++) {
    const [hex, value] = job.storage[i];
    const given = encoded?.storage[i];
    const key = given?.key ?? fromHex(hex);
    if (key === null || key.length > 0xffff) throw new TypeError(`storage key is not short hex: ${hex}`);
    keys.push(key);
    values.push(given?.value ?? encode(t.vmValue, value));
  }
  const { env } = job;
  if (env.seed.length !== 32) throw new RangeError(`seed: ${env.seed.length} bytes, not 32`);
  const inMsgHash = env.inMsgHash;
  if (inMsgHash !== undefined && inMsgHash.length !== 32)
    throw new RangeError(`inMsgHash: ${inMsgHash.length} bytes, not 32`);
  let size = 2 + 4 + 32 + 16 + 32 + (inMsgHash === undefined ? 0 : 32);
  size += 4 + (account?.length ?? 0) + 4 + job.message.length + 4;
  for (let i = 0; i < keys.length; i++) size += 2 + keys[i].length + 4 + values[i].length;

  const out = alloc(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  const u32 = (n: number) => {
    view.setUint32(at, n);
    at += 4;
  };
  out[at++] = job.upTo === "accept" ? 0 : 1;
  out[at++] =
    (inMsgHash === undefined ? 0 : HAS_IN_MSG_HASH) | (env.keepEncodings === true ? KEEP_ENCODINGS : 0);
  view.setInt32(at, Number(job.address.workchain));
  at += 4;
  bytes(job.address.id);
  view.setBigUint64(at, env.now);
  view.setBigUint64(at + 8, env.lt);
  at += 16;
  bytes(env.seed);
  if (inMsgHash !== undefined) bytes(inMsgHash);
  if (account === null) u32(NO_ACCOUNT);
  else {
    u32(account.length);
    bytes(account);
  }
  u32(job.message.length);
  bytes(job.message);
  u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    view.setUint16(at, keys[i].length);
    at += 2;
    bytes(keys[i]);
    u32(values[i].length);
    bytes(values[i]);
  }
  return out;
}

/** The job `packJob` packed; throws on bytes it did not write. */
export function unpackJob(packed: Uint8Array): JobParts {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let at = 0;
  /** Where the next `n` bytes start; past them afterwards. */
  const skip = (n: number) => {
    if (at + n > packed.length) throw new RangeError("a packed dry run ends early");
    at += n;
    return at - n;
  };
  const take = (n: number) => packed.subarray(skip(n), at);
  const u32 = () => view.getUint32(skip(4));
  const head = take(2);
  const upTo = head[0] === 0 ? "accept" : "end";
  const flags = head[1];
  const workchain = BigInt(view.getInt32(skip(4)));
  const id = take(32);
  const now = view.getBigUint64(skip(8));
  const lt = view.getBigUint64(skip(8));
  const seed = take(32);
  const inMsgHash = (flags & HAS_IN_MSG_HASH) !== 0 ? take(32) : undefined;
  const accountLength = u32();
  const account = accountLength === NO_ACCOUNT ? null : decode(Account, take(accountLength));
  const message = take(u32());
  const count = u32();
  const storage: DryRunJob["storage"] = [];
  for (let i = 0; i < count; i++) {
    const key = toHex(take(view.getUint16(skip(2))));
    storage.push([key, decode(t.vmValue, take(u32()))]);
  }
  if (at !== packed.length) throw new RangeError("a packed dry run has bytes left over");
  const env: JobParts["env"] = { now, lt, seed };
  if (inMsgHash !== undefined) env.inMsgHash = inMsgHash;
  if ((flags & KEEP_ENCODINGS) !== 0) env.keepEncodings = true;
  return { address: { workchain, id }, account, storage, message, env, upTo };
}
