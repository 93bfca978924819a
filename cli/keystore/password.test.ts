import { describe, expect, test } from "vitest";
import { fakeTty, pipedStdin, testIo } from "../testing.ts";
import { readPassword } from "./index.ts";

describe("readPassword", () => {
  test("GRAM_PASSWORD comes first, even at a terminal", async () => {
    const tty = fakeTty();
    const { io, stderr } = testIo({ GRAM_PASSWORD: "from env" }, tty);
    expect(await readPassword(io, { wallet: "w", confirm: true })).toBe("from env");
    expect(stderr.text).toBe("");
  });

  test("an empty GRAM_PASSWORD is refused, not used", async () => {
    const { io } = testIo({ GRAM_PASSWORD: "" });
    await expect(readPassword(io, { wallet: "w" })).rejects.toMatchObject({ code: "CLI_PASSWORD_EMPTY" });
  });

  test("without a terminal the error says to set GRAM_PASSWORD", async () => {
    const { io } = testIo({}, pipedStdin("typed\n"));
    await expect(readPassword(io, { wallet: "w" })).rejects.toMatchObject({
      code: "CLI_PASSWORD_MISSING",
      message: expect.stringContaining("set GRAM_PASSWORD"),
    });
  });

  test("at a terminal it asks once, hidden, naming the wallet", async () => {
    const tty = fakeTty();
    const { io, stderr } = testIo({}, tty);
    const password = readPassword(io, { wallet: "alice" });
    tty.type("pw\r");
    expect(await password).toBe("pw");
    expect(stderr.text).toBe("Password for wallet alice: \n");
  });

  test("a new wallet's password is asked twice and must match", async () => {
    const tty = fakeTty();
    const { io, stderr } = testIo({}, tty);
    const same = readPassword(io, { wallet: "alice", confirm: true });
    tty.type("pw\rpw\r");
    expect(await same).toBe("pw");
    expect(stderr.text).toContain("Repeat the password: ");

    const differ = readPassword(io, { wallet: "alice", confirm: true });
    tty.type("pw\rpx\r");
    await expect(differ).rejects.toMatchObject({ code: "CLI_PASSWORD_MISMATCH" });
  });

  test("an empty answer at the terminal is refused", async () => {
    const tty = fakeTty();
    const { io } = testIo({}, tty);
    const password = readPassword(io, { wallet: "alice" });
    tty.type("\r");
    await expect(password).rejects.toMatchObject({ code: "CLI_PASSWORD_EMPTY" });
  });
});
