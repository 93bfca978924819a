// Short-lived byte arrays carved out of shared chunks. V8 keeps a typed array over 64 bytes
// outside its heap: each one of its own costs a malloc, a free, and the collector's tracking of
// one more buffer, which on the block builder's path was more than the work done with the bytes.
// A carved array is a view: its `.buffer` is the chunk, so it is never transferred, and a chunk
// lives as long as any array carved from it. Whoever keeps a carved array for long (a cache)
// keeps a copy, so that one small array does not hold a whole chunk.

export class Arena {
  readonly #chunkBytes: number;
  #chunk: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #used = 0;

  constructor(chunkBytes: number) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1024)
      throw new RangeError(`chunkBytes: ${chunkBytes} is not an integer of at least 1024`);
    this.#chunkBytes = chunkBytes;
  }

  /** A zeroed array of `length` bytes: a view into a chunk, or an array of its own when large. */
  carve(length: number): Uint8Array<ArrayBuffer> {
    if (length > this.#chunkBytes / 4) return new Uint8Array(length);
    if (this.#used + length > this.#chunk.length) {
      this.#chunk = new Uint8Array(this.#chunkBytes);
      this.#used = 0;
    }
    const out = this.#chunk.subarray(this.#used, this.#used + length);
    this.#used += length;
    return out;
  }

  /** A carved copy of `bytes`. */
  copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
    const out = this.carve(bytes.length);
    out.set(bytes);
    return out;
  }
}
