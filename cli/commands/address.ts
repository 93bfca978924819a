// `gram address ANY-FORM`: one address in every form, to check a paste or convert between tools.
import type { Command } from "commander";
import { parseAddress } from "../../node/address/index.ts";
import { type CommandGroup, outputOf } from "../context.ts";
import { usageError } from "../errors.ts";
import { formatTable } from "../output/index.ts";
import { addressForms } from "./forms.ts";

export const addressCommand: CommandGroup = {
  name: "address",
  register(program, ctx) {
    program
      .command("address")
      .description("show an address in every form: raw, bounceable and non-bounceable, mainnet and testnet")
      .argument("<address>", "raw (0:hex, -1:hex) or friendly (EQ…, UQ…) address")
      // A masterchain raw address starts with '-' ("-1:…"); it is an argument, not an option.
      .allowUnknownOption()
      .action((text: string, _opts: unknown, cmd: Command) => {
        if (text.startsWith("-") && !/^-[0-9]+:/.test(text))
          throw usageError(`unknown option '${text}'; see 'gram address --help'`);
        const forms = addressForms(parseAddress(text).address);
        outputOf(ctx, cmd).result({ ...forms }, () =>
          formatTable([
            ["raw", forms.raw],
            ["bounceable", forms.bounceable],
            ["non-bounceable", forms.nonBounceable],
            ["testnet bounceable", forms.testnetBounceable],
            ["testnet non-bounceable", forms.testnetNonBounceable],
          ]),
        );
      });
  },
};
