// Loads specs/vectors/address (made with TON's own library, see its README) for the tests.
import { readFileSync } from "node:fs";

export interface FriendlyVector {
  text: string;
  bounceable: boolean;
  testnet: boolean;
  urlSafe: boolean;
}
export interface ValidVector {
  workchain: number;
  hash: string;
  raw: string;
  friendly: FriendlyVector[];
}
export interface InvalidVector {
  why: string;
  text: string;
  code: string;
}

const file = new URL("../../specs/vectors/address/ton-core.json", import.meta.url);
export const vectors: { source: string; valid: ValidVector[]; invalid: InvalidVector[] } = JSON.parse(
  readFileSync(file, "utf8"),
);

export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
