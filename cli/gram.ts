#!/usr/bin/env node
// The `gram` command's entry point: runs the program on this process's arguments and streams and
// exits with its code (README, "Exit codes").
import { runCli } from "./program.ts";
import { relaunchWithNodeRuntime } from "./runtime.ts";

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  prepareNodeProcess: () => relaunchWithNodeRuntime(),
});
