// Loads the JSON vectors of specs/vectors/crypto for the tests of this module.
import { readdirSync, readFileSync } from "node:fs";
import type { Refusal } from "./rule.ts";

const DIR = new URL("../../specs/vectors/crypto/", import.meta.url);

export const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));
export const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

export type Rfc8032Vector = {
  name: string;
  secret_key: string;
  public_key: string;
  message: string;
  signature: string;
};

/** A signature with the verdict and reason Gram's rule gives it (crypto §6, §7). */
export type VerdictVector = {
  name: string;
  message: string;
  pub_key: string;
  signature: string;
  gram: { verdict: boolean; reason: Refusal | null };
};

export type Sha256Vector = { name: string; message: string; digest: string };

export function vectorFiles(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith(".json"));
}

export function loadVectors<T>(file: string): T[] {
  return JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as T[];
}

/** The speccheck cases carry their index as `case`; they are named "speccheck #i" here. */
export function loadVerdictVectors(file: string): VerdictVector[] {
  return loadVectors<VerdictVector & { case?: number }>(file).map((v) =>
    v.case === undefined ? v : { ...v, name: `speccheck #${v.case}` },
  );
}
