// Where a wallet's password comes from: GRAM_PASSWORD for scripts, else a hidden prompt when a
// person is at a terminal (twice for a new wallet, to catch a typo), else a clear error.
import { CliError } from "../errors.ts";
import { type CliIo, isTty, promptHidden } from "../io/index.ts";

export interface PasswordRequest {
  /** The wallet it opens, named in the prompt. */
  wallet: string;
  /** Ask twice and compare: a new wallet's password. */
  confirm?: boolean;
}

export async function readPassword(io: CliIo, request: PasswordRequest): Promise<string> {
  const fromEnv = io.env.GRAM_PASSWORD;
  if (fromEnv !== undefined) {
    if (fromEnv === "") throw new CliError("CLI_PASSWORD_EMPTY", "GRAM_PASSWORD is set but empty");
    return fromEnv;
  }
  if (!isTty(io.stdin)) {
    throw new CliError(
      "CLI_PASSWORD_MISSING",
      `wallet ${request.wallet} needs a password and there is no terminal to ask on; set GRAM_PASSWORD`,
    );
  }
  const password = await promptHidden(io, `Password for wallet ${request.wallet}: `);
  if (password === "") throw new CliError("CLI_PASSWORD_EMPTY", "the password is empty");
  if (request.confirm === true) {
    const again = await promptHidden(io, "Repeat the password: ");
    if (again !== password)
      throw new CliError("CLI_PASSWORD_MISMATCH", "the two passwords differ; nothing was saved");
  }
  return password;
}
