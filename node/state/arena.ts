// Node records and value copies are carved out of shared chunks. A record of its own cost a
// malloc, a free and V8's tracking of one more off-heap buffer, because arrays over 64 bytes live
// outside V8's heap: at a million keys that bookkeeping was a tenth of an update's CPU, and
// carving cut it (bench state.update_1e6: 15.5k → 16.7k updates/s, 4 alternating pairs).
//
// A chunk lives as long as any record carved from it. Records handed to the node cache are copied
// into its slabs, so what keeps a chunk alive is the updates still being built or written.

const CHUNK_BYTES = 256 * 1024;

let chunk = new Uint8Array(0);
let used = 0;

/** A zeroed array of `length` bytes, a view into a shared chunk. Never transfer its buffer. */
export function carve(length: number): Uint8Array {
  if (length > CHUNK_BYTES / 4) return new Uint8Array(length);
  if (used + length > chunk.length) {
    chunk = new Uint8Array(CHUNK_BYTES);
    used = 0;
  }
  const out = chunk.subarray(used, used + length);
  used += length;
  return out;
}

/** A copy of `bytes` carved from a shared chunk. */
export function carveCopy(bytes: Uint8Array): Uint8Array {
  const out = carve(bytes.length);
  out.set(bytes);
  return out;
}
