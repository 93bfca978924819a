// How the gram command fails: one line on stderr, `gram: <message>`, and an exit code a script
// can test (README, "Exit codes"). Errors that carry a code are expected (bad input, a wrong
// password); anything else is a bug, said as such, with its stack under --verbose.

/** Exit codes, documented in README. */
export const EXIT = { OK: 0, ERROR: 1, USAGE: 2 } as const;

export type CliErrorCode =
  | "CLI_USAGE"
  | "CLI_PASSWORD_MISSING"
  | "CLI_PASSWORD_EMPTY"
  | "CLI_PASSWORD_MISMATCH"
  | "CLI_CANCELLED"
  | "CLI_NO_INPUT"
  | "CLI_INPUT_TOO_LARGE"
  | "CLI_BAD_ANSWER"
  | "CLI_TX_FAILED"
  | "CLI_TIMEOUT"
  | "CLI_NOT_FOUND"
  | "CLI_NETWORK_DOWN"
  | "CLI_WRONG_NETWORK";

/** A failure of the command itself (usage, prompts, input), as opposed to one of a module it calls. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(code: CliErrorCode, message: string, exitCode: number = EXIT.ERROR) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError("CLI_USAGE", message, EXIT.USAGE);
}

/** Coded errors (ours, node/ modules', the system's ENOENT and the like) are expected failures. */
function isExpected(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string";
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The one line a failure prints, without the trailing newline. */
export function failureLine(err: unknown): string {
  if (isExpected(err)) return `gram: ${oneLine(err.message)}`;
  const message = err instanceof Error ? err.message : String(err);
  return `gram: unexpected error: ${oneLine(message)} (run with --verbose for details)`;
}

/** Prints the failure and returns the exit code. */
export function reportFailure(
  err: unknown,
  stderr: { write(text: string): unknown },
  verbose: boolean,
): number {
  stderr.write(`${failureLine(err)}\n`);
  if (verbose && err instanceof Error && err.stack !== undefined) stderr.write(`${err.stack}\n`);
  return err instanceof CliError ? err.exitCode : EXIT.ERROR;
}
