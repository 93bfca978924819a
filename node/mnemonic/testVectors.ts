// Loads specs/vectors/mnemonic (made with TON's own library, see its README) for the tests.
import { readFileSync } from "node:fs";

export interface ValidVector {
  words: string;
  seed: string;
  publicKey: string;
}
export interface InvalidVector {
  why: string;
  words: string;
  code: string;
  position?: number;
  word?: string;
}

const file = new URL("../../specs/vectors/mnemonic/ton-crypto.json", import.meta.url);
export const vectors: { source: string; valid: ValidVector[]; invalid: InvalidVector[] } = JSON.parse(
  readFileSync(file, "utf8"),
);

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
