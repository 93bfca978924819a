// The bytes a batch of checks travels in between threads: one transferable buffer instead of an
// object per check, which structured cloning would copy field by field. Each check is
// u32 message length (big-endian) ‖ message ‖ u32 key length ‖ key ‖ u32 signature length ‖
// signature, so wrong lengths reach `verify` unchanged and get its answer.

import type { SignatureCheck } from "../vmhost/index.ts";

export type { SignatureCheck };

/** Bytes of one packed check. */
const packedSize = (c: SignatureCheck) => 12 + c.message.length + c.publicKey.length + c.signature.length;

export function packChecks(checks: readonly SignatureCheck[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const c of checks) n += packedSize(c);
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let at = 0;
  const put = (b: Uint8Array) => {
    view.setUint32(at, b.length);
    out.set(b, at + 4);
    at += 4 + b.length;
  };
  for (const c of checks) {
    put(c.message);
    put(c.publicKey);
    put(c.signature);
  }
  return out;
}

/**
 * The checks of several runs packed as `packChecks` packs them, each group a view into one buffer:
 * a worker answers a batch's runs with one transfer, not an array off the heap per run.
 */
export function packCheckGroups(groups: readonly (readonly SignatureCheck[])[]): Uint8Array<ArrayBuffer>[] {
  const whole = packChecks(groups.flat());
  const out: Uint8Array<ArrayBuffer>[] = [];
  let at = 0;
  for (const group of groups) {
    let n = 0;
    for (const c of group) n += packedSize(c);
    out.push(whole.subarray(at, at + n));
    at += n;
  }
  return out;
}

export function unpackChecks(bytes: Uint8Array): SignatureCheck[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SignatureCheck[] = [];
  let at = 0;
  const take = () => {
    const n = view.getUint32(at);
    const b = bytes.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return b;
  };
  while (at < bytes.length) out.push({ message: take(), publicKey: take(), signature: take() });
  return out;
}
