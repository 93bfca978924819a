// Runs every vector file of specs/vectors/crypto; a file no runner knows fails the suite, so a
// vector cannot be added and silently skipped.
import { describe, expect, test } from "vitest";
import { keyPairFromSeed } from "./keys.ts";
import { precheck } from "./rule.ts";
import { sign } from "./sign.ts";
import {
  bytesToHex,
  hexToBytes,
  loadVectors,
  loadVerdictVectors,
  type Rfc8032Vector,
  type VerdictVector,
  vectorFiles,
} from "./testVectors.ts";
import { verify, verifyNoble, verifyOpenSsl } from "./verify.ts";

const verdictFiles = ["ed25519-speccheck.json", "ed25519-gram-edges.json"];
const runners = new Set(["ed25519-rfc8032.json", "sha256.json", ...verdictFiles]);

test("every vector file has a runner", () => {
  expect(vectorFiles().sort()).toEqual([...runners].sort());
});

describe("RFC 8032 §7.1 (ed25519-rfc8032.json)", () => {
  const vectors = loadVectors<Rfc8032Vector>("ed25519-rfc8032.json");
  test.each(vectors.map((v) => [v.name, v] as const))(
    "%s: keys, signature, the verdict of every path",
    (_, v) => {
      const msg = hexToBytes(v.message);
      const pair = keyPairFromSeed(hexToBytes(v.secret_key));
      expect(bytesToHex(pair.publicKey)).toBe(v.public_key);
      expect(bytesToHex(sign(msg, pair.secretKey))).toBe(v.signature);
      expect(verify(hexToBytes(v.signature), msg, pair.publicKey)).toBe(true);
      expect(verifyOpenSsl(hexToBytes(v.signature), msg, pair.publicKey)).toBe(true);
      expect(verifyNoble(hexToBytes(v.signature), msg, pair.publicKey)).toBe(true);
    },
  );
});

for (const file of verdictFiles) {
  describe(file, () => {
    const vectors = loadVerdictVectors(file);
    test("holds vectors", () => {
      expect(vectors.length).toBeGreaterThanOrEqual(12);
    });
    test.each(vectors.map((v) => [v.name, v] as const))(
      "%s: Gram's verdict on every path",
      (_, v: VerdictVector) => {
        const sig = hexToBytes(v.signature);
        const msg = hexToBytes(v.message);
        const key = hexToBytes(v.pub_key);
        expect(verify(sig, msg, key)).toBe(v.gram.verdict);
        expect(verifyOpenSsl(sig, msg, key)).toBe(v.gram.verdict);
        expect(verifyNoble(sig, msg, key)).toBe(v.gram.verdict);
        // The reason is the first failing check of crypto §3; "EQUATION" means all of §3.1–§3.6 passed.
        const reason = precheck(sig, key) ?? (v.gram.verdict ? null : "EQUATION");
        expect(reason).toBe(v.gram.reason);
      },
    );
  });
}
