// Benchmarks of node/crypto: ed25519 verification on the fast path (libsodium) and on the
// cross-check paths (node:crypto, @noble/curves) over the same pre-generated signed messages, and
// SHA-256 at the sizes the node hashes most (64 bytes; 65-byte Merkle nodes). One core, the
// calling thread.
import {
  keyPairFromSeed,
  sha256,
  sha256Concat,
  sign,
  verify,
  verifyNoble,
  verifyOpenSsl,
} from "../node/crypto/index.ts";
import { type Benchmark, opsPerSecond } from "./harness.ts";

const KEYS = 16;
const MESSAGES = 64;
const MESSAGE_BYTES = 128;

type Signed = { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array };

let signed: Signed[] | undefined;

// Keys come from fixed seeds and messages from a counter, so every run verifies the same set.
function signedMessages(): Signed[] {
  if (signed !== undefined) return signed;
  const pairs = Array.from({ length: KEYS }, (_, i) => keyPairFromSeed(sha256(Uint8Array.of(0xbe, i))));
  signed = Array.from({ length: MESSAGES }, (_, i) => {
    const pair = pairs[i % KEYS];
    const message = new Uint8Array(MESSAGE_BYTES).fill(i);
    return { signature: sign(message, pair.secretKey), message, publicKey: pair.publicKey };
  });
  return signed;
}

function verifyAll(check: typeof verify, durationMs: number): number {
  const set = signedMessages();
  let i = 0;
  return opsPerSecond(() => {
    const { signature, message, publicKey } = set[i++ % set.length];
    if (!check(signature, message, publicKey)) throw new Error("benchmark signature did not verify");
  }, durationMs);
}

const verifyParameters = { keys: KEYS, messages: MESSAGES, messageBytes: MESSAGE_BYTES };

export const benchmarks: Benchmark[] = [
  {
    name: "crypto.ed25519_verify.sodium",
    run: () => ({ value: verifyAll(verify, 2000), unit: "verify/s", ...verifyParameters }),
  },
  {
    name: "crypto.ed25519_verify.node",
    run: () => ({ value: verifyAll(verifyOpenSsl, 2000), unit: "verify/s", ...verifyParameters }),
  },
  {
    name: "crypto.ed25519_verify.noble",
    run: () => ({ value: verifyAll(verifyNoble, 3000), unit: "verify/s", ...verifyParameters }),
  },
  {
    name: "crypto.sha256_64B",
    run: () => {
      const data = new Uint8Array(64).fill(7);
      return { value: opsPerSecond(() => sha256(data)), unit: "hashes/s", inputBytes: 64 };
    },
  },
  {
    name: "crypto.sha256Concat_65B",
    run: () => {
      const tag = Uint8Array.of(1);
      const left = new Uint8Array(32).fill(2);
      const right = new Uint8Array(32).fill(3);
      return {
        value: opsPerSecond(() => sha256Concat(tag, left, right)),
        unit: "hashes/s",
        inputBytes: 65,
        parts: 3,
      };
    },
  },
];
