// Test support for the gram command: temporary homes, captured output, fake terminals and known
// phrases. Tests only; nothing in the command imports it.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo, InputStream } from "./io/index.ts";
import type { ScryptCost } from "./keystore/index.ts";
import { runCli } from "./program.ts";

/** Cheap enough for a test to create dozens of wallets; never use it for real keys. */
export const TEST_SCRYPT: ScryptCost = { n: 16, r: 1, p: 1 };

/** Phrases made with TON's own library, with the public keys it derives (specs/vectors/mnemonic). */
export const PHRASES: { words: string; publicKey: string }[] = JSON.parse(
  readFileSync(new URL("../specs/vectors/mnemonic/ton-crypto.json", import.meta.url), "utf8"),
).valid;

/** Addresses in every form, made with TON's own library (specs/vectors/address). */
export const ADDRESSES: {
  valid: {
    raw: string;
    friendly: { text: string; bounceable: boolean; testnet: boolean; urlSafe: boolean }[];
  }[];
  invalid: { why: string; text: string; code: string }[];
} = JSON.parse(readFileSync(new URL("../specs/vectors/address/ton-core.json", import.meta.url), "utf8"));

export async function tempHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), "gram-cli-test-"));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

export interface CapturedSink {
  write(text: string): boolean;
  readonly text: string;
}

export function captureSink(): CapturedSink {
  let text = "";
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** A terminal that a test types into: `type("pw\r")`. Records raw-mode switches. */
export interface FakeTty extends InputStream {
  rawModes: boolean[];
  type(text: string): void;
}

export function fakeTty(): FakeTty {
  const stream = new PassThrough() as unknown as FakeTty & PassThrough;
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (mode: boolean) => stream.rawModes.push(mode);
  stream.type = (text: string) => stream.write(text);
  return stream;
}

/** A non-terminal stdin holding `text` (or nothing), then closed. */
export function pipedStdin(text = ""): InputStream {
  const stream = new PassThrough();
  stream.end(text);
  return stream;
}

export function testIo(env: Record<string, string | undefined>, stdin: InputStream = pipedStdin()) {
  const stdout = captureSink();
  const stderr = captureSink();
  const io: CliIo = { env, stdin, stdout, stderr };
  return { io, stdout, stderr };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gram argv…` in-process with a cheap keystore; `env` replaces the environment entirely. */
export async function run(
  argv: string[],
  env: Record<string, string | undefined>,
  stdin: InputStream = pipedStdin(),
): Promise<RunResult> {
  const { io, stdout, stderr } = testIo(env, stdin);
  const code = await runCli(argv, { ...io, keystore: { scrypt: TEST_SCRYPT } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
