// Reads the canonical encoding of a VM value (codec §8) in one pass over the bytes, without
// recursion, for the reason vmValueWrite.ts gives. Every form other than the one the writer
// produces is refused here, at the first byte where the input departs from the rules (§8.4).
import { CodecError } from "./errors.ts";
import { int257 } from "./int257.ts";
import { codecError, indexPath, rethrowAt } from "./path.ts";
import {
  MAX_BYTES_LENGTH,
  MAX_TUPLE_DEPTH,
  MAX_TUPLE_ITEMS,
  MAX_VALUE_SIZE,
  NARROW_MAX,
  NARROW_MIN,
  SIZE_BYTES_HEADER,
  SIZE_INT,
  SIZE_NULL,
  SIZE_TUPLE_HEADER,
  type VmValue,
} from "./vmLimits.ts";

/** The longest int257 payload (codec §3.4). */
const MAX_INT257_BYTES = 33;

/** The value whose canonical encoding is exactly `bytes`; a CodecError, with its path, for anything else. */
export function readVmValue(bytes: Uint8Array): VmValue {
  const reader = new Reader(bytes);
  try {
    return reader.read();
  } catch (error) {
    const path = reader.path();
    if (path !== "" && error instanceof CodecError) rethrowAt(error, path);
    throw error;
  }
}

class Reader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  private size = 0;
  private depth = 0;
  /** The Tuples being filled, outermost first, and how many items each has so far. */
  private readonly parents: VmValue[][] = [];
  private readonly filled: number[] = [];

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Where the reader is, as the codec's error paths write it: `[1][0]`. */
  path(): string {
    return indexPath(this.depth, (d) => this.filled[d]);
  }

  read(): VmValue {
    const { bytes } = this;
    for (;;) {
      this.need(1);
      const token = bytes[this.at];
      let value: VmValue;
      if (token < 0x80) {
        value = BigInt(token);
        this.at++;
        this.count(SIZE_INT);
      } else if (token >= 0xe0) {
        value = BigInt(token - 0x100);
        this.at++;
        this.count(SIZE_INT);
      } else if (token === 0xc0) {
        value = null;
        this.at++;
        this.count(SIZE_NULL);
      } else if (token >= 0xcc && token <= 0xd3) {
        value = this.integer(token);
        this.count(SIZE_INT);
      } else if (token >= 0xc4 && token <= 0xc6) {
        value = this.byteString(token);
      } else if ((token >= 0x90 && token <= 0x9f) || token === 0xdc || token === 0xdd) {
        const items = this.arrayHeader(token);
        if (items > 0 && this.at < bytes.length && bytes[this.at] === 0xc3) {
          value = this.wideInt(items);
          this.count(SIZE_INT);
        } else {
          this.count(SIZE_TUPLE_HEADER);
          if (this.depth >= MAX_TUPLE_DEPTH) {
            throw codecError(
              "CODEC_LENGTH",
              `Tuples nest at most ${MAX_TUPLE_DEPTH} deep in a VM value (vm §2.4); this one is deeper`,
            );
          }
          if (items > 0) {
            this.parents[this.depth] = new Array<VmValue>(items);
            this.filled[this.depth] = 0;
            this.depth++;
            continue;
          }
          value = [];
        }
      } else {
        throw notAValue(token, this.at);
      }
      // place the value in its Tuple, closing every Tuple it completes
      for (;;) {
        if (this.depth === 0) {
          if (this.at !== bytes.length) {
            throw codecError(
              "CODEC_TRAILING_BYTES",
              `the value ends at offset ${this.at} but ${bytes.length - this.at} more bytes follow`,
            );
          }
          return value;
        }
        const parent = this.parents[this.depth - 1];
        const i = this.filled[this.depth - 1]++;
        parent[i] = value;
        if (i + 1 < parent.length) break;
        value = parent;
        this.depth--;
      }
    }
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.length) {
      throw codecError(
        "CODEC_MALFORMED",
        `truncated: ${n} bytes needed at offset ${this.at}, ${this.bytes.length - this.at} left`,
      );
    }
  }

  /** vm §2.5: checked as each value is read, so an oversized input stops where it passes the limit. */
  private count(units: number): void {
    this.size += units;
    if (this.size > MAX_VALUE_SIZE) {
      throw codecError(
        "CODEC_LENGTH",
        `a VM value takes at most ${MAX_VALUE_SIZE} size units, this one at least ${this.size} (vm §2.5)`,
      );
    }
  }

  /** The integer forms past the fixints; each must be the shortest for its value (codec §3.1). */
  private integer(token: number): bigint {
    const { view, at } = this;
    const width = token <= 0xcf ? 1 << (token - 0xcc) : 1 << (token - 0xd0);
    this.need(1 + width);
    this.at += 1 + width;
    let value: bigint;
    let shortest: boolean;
    switch (token) {
      case 0xcc:
        value = BigInt(view.getUint8(at + 1));
        shortest = value >= 0x80n;
        break;
      case 0xcd:
        value = BigInt(view.getUint16(at + 1));
        shortest = value >= 0x100n;
        break;
      case 0xce:
        value = BigInt(view.getUint32(at + 1));
        shortest = value >= 0x10000n;
        break;
      case 0xcf:
        value = view.getBigUint64(at + 1);
        shortest = value >= 2n ** 63n;
        break;
      case 0xd0:
        value = BigInt(view.getInt8(at + 1));
        shortest = value < -32n;
        break;
      case 0xd1:
        value = BigInt(view.getInt16(at + 1));
        shortest = value < -0x80n;
        break;
      case 0xd2:
        value = BigInt(view.getInt32(at + 1));
        shortest = value < -0x8000n;
        break;
      default:
        value = view.getBigInt64(at + 1);
        shortest = value < -0x80000000n || value > 0xffffffffn;
    }
    if (!shortest) {
      throw codecError("CODEC_NOT_CANONICAL", `integer not in its shortest form (offset ${at})`);
    }
    return value;
  }

  /** A bin header at the reader: its header length and the payload length it announces. */
  private binHeader(token: number): [header: number, length: number] {
    const header = token === 0xc4 ? 2 : token === 0xc5 ? 3 : 5;
    this.need(header);
    const { view, at } = this;
    if (header === 2) return [header, view.getUint8(at + 1)];
    return [header, header === 3 ? view.getUint16(at + 1) : view.getUint32(at + 1)];
  }

  /** A copy of the payload of a bin whose header has been checked. */
  private payload(header: number, length: number): Uint8Array {
    this.need(header + length);
    const start = this.at + header;
    this.at = start + length;
    return this.bytes.slice(start, start + length);
  }

  private byteString(token: number): Uint8Array {
    const [header, length] = this.binHeader(token);
    if (length > MAX_BYTES_LENGTH) {
      throw codecError("CODEC_LENGTH", `Bytes take at most ${MAX_BYTES_LENGTH} bytes, got ${length}`);
    }
    if (token !== (length < 0x100 ? 0xc4 : 0xc5)) {
      throw codecError("CODEC_NOT_CANONICAL", `bin length not in its shortest form (offset ${this.at})`);
    }
    this.count(SIZE_BYTES_HEADER + length);
    return this.payload(header, length);
  }

  private arrayHeader(token: number): number {
    const { view, at } = this;
    let items = token & 0x0f;
    if (token === 0xdc) {
      this.need(3);
      items = view.getUint16(at + 1);
    } else if (token === 0xdd) {
      this.need(5);
      items = view.getUint32(at + 1);
    }
    if (items > MAX_TUPLE_ITEMS) {
      throw codecError("CODEC_LENGTH", `a Tuple holds at most ${MAX_TUPLE_ITEMS} items, got ${items}`);
    }
    if (token !== (items < 16 ? 0x90 | items : 0xdc)) {
      throw codecError("CODEC_NOT_CANONICAL", `array header not in its shortest form (offset ${at})`);
    }
    this.at += token <= 0x9f ? 1 : 3;
    return items;
  }

  /** `92 c3` then an int257 bin (codec §8.2), for an Int outside −2^63..2^64−1 only. The reader is at `c3`. */
  private wideInt(items: number): bigint {
    const start = this.at;
    if (items !== 2) {
      throw codecError("CODEC_LENGTH", `a wide Int is [true, int257]: 2 items, got ${items}`);
    }
    this.at++;
    this.need(1);
    const token = this.bytes[this.at];
    if (token < 0xc4 || token > 0xc6) {
      throw codecError(
        "CODEC_TYPE",
        `a wide Int holds an int257 bin after true, got ${describeToken(token)} (offset ${this.at})`,
      );
    }
    const [header, length] = this.binHeader(token);
    if (length > MAX_INT257_BYTES) {
      throw codecError("CODEC_RANGE", `int257 takes at most ${MAX_INT257_BYTES} bytes, got ${length}`);
    }
    if (token !== 0xc4) {
      throw codecError("CODEC_NOT_CANONICAL", `bin length not in its shortest form (offset ${this.at})`);
    }
    const value = int257.fromWire(this.payload(header, length));
    if (value >= NARROW_MIN && value <= NARROW_MAX) {
      throw codecError(
        "CODEC_NOT_CANONICAL",
        `the Int ${value} is a MessagePack integer, not a wide Int (offset ${start - 1})`,
      );
    }
    return value;
  }
}

function notAValue(token: number, at: number): CodecError {
  if (token === 0xc1) return codecError("CODEC_MALFORMED", `not MessagePack: byte c1 at offset ${at}`);
  return codecError("CODEC_TYPE", `expected a VM value, got ${describeToken(token)} (offset ${at})`);
}

/** The MessagePack type a first byte announces, for errors. */
function describeToken(token: number): string {
  if (token <= 0x7f || token >= 0xe0 || (token >= 0xcc && token <= 0xd3)) return "an integer";
  if (token <= 0x8f || token === 0xde || token === 0xdf) return "a map";
  if (token <= 0x9f || token === 0xdc || token === 0xdd) return "an array";
  if (token <= 0xbf || (token >= 0xd9 && token <= 0xdb)) return "a string";
  if (token === 0xc0) return "nil";
  if (token === 0xc2 || token === 0xc3) return "a boolean";
  if (token >= 0xc4 && token <= 0xc6) return "a bin";
  if (token === 0xca || token === 0xcb) return "a float";
  return "an ext type";
}
