// What every command is handed: the streams and environment it runs with, and the settings tests
// change (the keystore's scrypt cost). Commands read the global options through it too.
import type { Command } from "commander";
import type { CliIo } from "./io/index.ts";
import { gramHome, type Keystore, type KeystoreOptions, openKeystore } from "./keystore/index.ts";
import { createOutput, type Output } from "./output/index.ts";

export const DEFAULT_RPC = "http://127.0.0.1:8645";

export interface GlobalOptions {
  rpc: string;
  json: boolean;
  verbose: boolean;
}

export interface CliContext {
  io: CliIo;
  keystoreOptions: KeystoreOptions;
}

/** One group of subcommands (`gram wallet …`), registered on the program by program.ts. */
export interface CommandGroup {
  name: string;
  register(program: Command, ctx: CliContext): void;
}

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals();
  return { rpc: String(o.rpc ?? DEFAULT_RPC), json: o.json === true, verbose: o.verbose === true };
}

export function outputOf(ctx: CliContext, cmd: Command): Output {
  return createOutput(ctx.io.stdout, globalsOf(cmd).json);
}

export function keystoreOf(ctx: CliContext): Keystore {
  return openKeystore(gramHome(ctx.io.env), ctx.keystoreOptions);
}
