// `gram contract get ADDRESS METHOD [ARGS…]`: run a contract's get-method on a node. Arguments
// are integers (`42`, `-7`) or bytes (`0x…`); the stack comes back in the tagged JSON of rpc §3.
import type { Command } from "commander";
import { type CommandGroup, outputOf } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { clientOf, rawOf, resolveTarget } from "./remote.ts";

type VmJson = null | { int: string } | { bytes: string } | { tuple: VmJson[] };

export function parseArg(text: string): VmJson {
  if (/^-?(0|[1-9][0-9]{0,77})$/.test(text)) return { int: text };
  if (/^0x([0-9a-fA-F]{2})*$/.test(text)) return { bytes: text.slice(2).toLowerCase() };
  if (text === "null") return null;
  throw usageError(`argument '${text}' is neither an integer nor 0x-prefixed hex bytes`);
}

function show(v: VmJson): string {
  if (v === null) return "null";
  if ("int" in v) return v.int;
  if ("bytes" in v) return `0x${v.bytes}`;
  return `[${v.tuple.map(show).join(", ")}]`;
}

export const contractCommands: CommandGroup = {
  name: "contract",
  register(program, ctx) {
    const contract = program.command("contract").description("call contracts on a node");
    contract
      .command("get")
      .description("run a get-method (read-only) and print its result stack")
      .argument("<address>", "contract address or wallet name")
      .argument("<method>", "get-method name")
      .argument("[args...]", "arguments: integers, or bytes as 0x…")
      .allowUnknownOption()
      .action(async (address: string, method: string, args: string[], _o: unknown, cmd: Command) => {
        const stackIn = args.map(parseArg);
        const target = await resolveTarget(ctx, address);
        const r = await clientOf(cmd).call<{ exitCode: number; gasUsed: string; stack: VmJson[] }>(
          "runGetMethod",
          {
            address: rawOf(target.address),
            method,
            args: stackIn,
          },
        );
        if (r.exitCode !== 0)
          throw new CliError(
            "CLI_TX_FAILED",
            `get-method ${method} of ${rawOf(target.address)} failed with exit code ${r.exitCode}`,
          );
        outputOf(ctx, cmd).result(
          {
            address: rawOf(target.address),
            method,
            exitCode: r.exitCode,
            gasUsed: r.gasUsed,
            stack: r.stack as never,
          },
          () => r.stack.map(show).join("\n"),
        );
      });
  },
};
