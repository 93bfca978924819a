import { describe, expect, test } from "vitest";
import { AddressError } from "../node/address/index.ts";
import { CliError, EXIT, failureLine, reportFailure, usageError } from "./errors.ts";
import { captureSink } from "./testing.ts";

describe("cli/errors", () => {
  test("a coded error prints its message after 'gram: ', on one line", () => {
    const err = new AddressError("ADDRESS_BAD_FORMAT", "first\n  second");
    expect(failureLine(err)).toBe("gram: first second");
  });

  test("an error without a code is named unexpected and points to --verbose", () => {
    expect(failureLine(new TypeError("x is undefined"))).toBe(
      "gram: unexpected error: x is undefined (run with --verbose for details)",
    );
    expect(failureLine("a string")).toMatch(/^gram: unexpected error: a string/);
  });

  test("exit codes: 2 for usage, 1 for every other failure", () => {
    const stderr = captureSink();
    expect(reportFailure(usageError("bad"), stderr, false)).toBe(EXIT.USAGE);
    expect(reportFailure(new CliError("CLI_CANCELLED", "cancelled"), stderr, false)).toBe(EXIT.ERROR);
    expect(reportFailure(new Error("boom"), stderr, false)).toBe(EXIT.ERROR);
    expect(stderr.text.split("\n")).toEqual([
      "gram: bad",
      "gram: cancelled",
      "gram: unexpected error: boom (run with --verbose for details)",
      "",
    ]);
  });

  test("the stack is printed only with --verbose", () => {
    const quiet = captureSink();
    const verbose = captureSink();
    reportFailure(new Error("boom"), quiet, false);
    reportFailure(new Error("boom"), verbose, true);
    expect(quiet.text.trim().split("\n")).toHaveLength(1);
    expect(verbose.text).toContain("errors.test.ts");
  });
});
