#!/usr/bin/env node
// The `gram` command's entry point: runs the program on this process's arguments and streams and
// exits with its code (README, "Exit codes"). A command that runs a node first restarts the
// process with the node's V8 settings (runtime.ts), before the program is loaded.
import { enableCompileCache } from "node:module";
import { bundleToRun } from "./bundle/current.ts";
import { relaunchWithNodeRuntime, runsNode, shareCompileCache } from "./runtime.ts";

// V8's compiled code of the modules is kept between runs (in the OS's temporary directory): a
// node loads about 900 modules, libp2p's most of them, and compiling them again at every start
// made up a quarter of its start. The processes and threads this one starts use it too, from their
// first line on (runtime.ts).
shareCompileCache(enableCompileCache(), process.env);
if (runsNode(process.argv.slice(2))) relaunchWithNodeRuntime();
// The bundle (bundle/build.ts) when it holds the sources as they are, else the sources themselves.
const bundle = bundleToRun(new URL("../", import.meta.url), process.env);
const { runCli } = (await import(bundle?.href ?? "./program.ts")) as typeof import("./program.ts");

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
