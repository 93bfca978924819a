import { describe, expect, test } from "vitest";
import { CliError } from "../errors.ts";
import { fakeTty, pipedStdin, testIo } from "../testing.ts";
import { promptHidden, readAll } from "./index.ts";

describe("promptHidden", () => {
  test("reads a line in raw mode, echoes nothing, asks on stderr", async () => {
    const tty = fakeTty();
    const { io, stdout, stderr } = testIo({}, tty);
    const answer = promptHidden(io, "Password: ");
    tty.type("s3cret\r");
    expect(await answer).toBe("s3cret");
    expect(stderr.text).toBe("Password: \n");
    expect(stdout.text).toBe("");
    expect(tty.rawModes).toEqual([true, false]);
  });

  test("keeps what was typed ahead for the next prompt", async () => {
    const tty = fakeTty();
    const { io } = testIo({}, tty);
    const first = promptHidden(io, "a: ");
    tty.type("one\r\ntwo\n");
    expect(await first).toBe("one");
    expect(await promptHidden(io, "b: ")).toBe("two");
  });

  test("backspace and ctrl-U edit the line; arrows and other control characters are dropped", async () => {
    const tty = fakeTty();
    const { io } = testIo({}, tty);
    const answer = promptHidden(io, "? ");
    tty.type("xx\u0015ab\u007fc\u001b[A\u001b[1;5Dé\u0007\r");
    expect(await answer).toBe("acé");
  });

  test("ctrl-C cancels with a coded error and leaves raw mode", async () => {
    const tty = fakeTty();
    const { io } = testIo({}, tty);
    const answer = promptHidden(io, "? ");
    tty.type("ab\u0003");
    await expect(answer).rejects.toMatchObject({ code: "CLI_CANCELLED" });
    expect(tty.rawModes).toEqual([true, false]);
  });

  test("ctrl-D or the end of input on an empty line is no input", async () => {
    const tty = fakeTty();
    const { io } = testIo({}, tty);
    const answer = promptHidden(io, "? ");
    tty.type("\u0004");
    await expect(answer).rejects.toBeInstanceOf(CliError);
    await expect(promptHidden(testIo({}, pipedStdin("")).io, "? ")).rejects.toMatchObject({
      code: "CLI_NO_INPUT",
    });
  });
});

describe("readAll", () => {
  test("reads piped input whole", async () => {
    expect(await readAll(pipedStdin("a b\nc"), 100)).toBe("a b\nc");
  });

  test("refuses input past the cap", async () => {
    await expect(readAll(pipedStdin("x".repeat(101)), 100)).rejects.toMatchObject({
      code: "CLI_INPUT_TOO_LARGE",
    });
  });
});
