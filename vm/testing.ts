// A Host for VM tests and tools, on node:crypto alone (vm/ may not import node/). Its hashValue
// is the reference encoding of specs/vectors/vm/README.md, not the node codec's.
import { createHash, createPublicKey, verify } from "node:crypto";
import type { Host } from "./host.ts";
import type { Value } from "./values.ts";

const SPKI_ED25519 = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** Null 00; Int 01 + 33 bytes two's complement; Bytes 02 + u32 length + bytes; Tuple 03 + u8 count + items. */
export function encodeTestValue(v: Value, out: number[] = []): number[] {
  if (v === null) out.push(0);
  else if (typeof v === "bigint") {
    out.push(1);
    let x = v < 0n ? v + (1n << 264n) : v;
    const b: number[] = [];
    for (let i = 0; i < 33; i++) {
      b.push(Number(x & 0xffn));
      x >>= 8n;
    }
    out.push(...b.reverse());
  } else if (v instanceof Uint8Array) {
    out.push(2, (v.length >>> 24) & 0xff, (v.length >>> 16) & 0xff, (v.length >>> 8) & 0xff, v.length & 0xff);
    for (const x of v) out.push(x);
  } else {
    out.push(3, v.length);
    for (const x of v) encodeTestValue(x, out);
  }
  return out;
}

export const testHost: Host = {
  sha256,
  ed25519Verify(message, publicKey, signature) {
    try {
      const der = new Uint8Array(44);
      der.set(SPKI_ED25519, 0);
      der.set(publicKey, 12);
      const key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
  hashValue: (v) => sha256(Uint8Array.from(encodeTestValue(v))),
};
