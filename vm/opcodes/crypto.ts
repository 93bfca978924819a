// Hashing and signature checks (vm §4.8), done by the host and priced by size.
import { trap } from "../errors.ts";
import { EXIT } from "../exitCodes.ts";
import { G_HASH_WORD, words } from "../gas.ts";
import { sizeOf, toValue } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const cryptoOps: OpSpec[] = [
  op(
    "SHA256",
    0x70,
    "none",
    "b -- h",
    1,
    1,
    30,
    "SHA-256 of Bytes (32 Bytes)",
    (m) => {
      const b = m.popBytes();
      m.charge(G_HASH_WORD * words(b.length));
      m.push(m.host.sha256(b));
    },
    "6 per word hashed",
  ),
  op(
    "HASH",
    0x71,
    "none",
    "x -- h",
    1,
    1,
    30,
    "the canonical hash of any value (32 Bytes)",
    (m) => {
      const x = m.pop();
      m.charge(G_HASH_WORD * words(sizeOf(x)));
      m.push(m.host.hashValue(toValue(x)));
    },
    "6 per word of the value's size",
  ),
  op(
    "EDVERIFY",
    0x72,
    "none",
    "msg sig key -- f",
    3,
    1,
    2000,
    "true when sig (64 Bytes) is key's (32 Bytes) ed25519 signature of msg (crypto §3)",
    (m) => {
      const key = m.popBytes();
      const sig = m.popBytes();
      const msg = m.popBytes();
      if (key.length !== 32 || sig.length !== 64) trap(EXIT.RANGE);
      m.charge(G_HASH_WORD * words(msg.length));
      m.push(m.host.ed25519Verify(msg, key, sig) ? -1 : 0);
    },
    "6 per word of msg",
  ),
];
