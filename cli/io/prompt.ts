// A hidden prompt on the terminal (passwords, mnemonics): raw mode so nothing is echoed, the
// question and the line break on stderr so stdout stays clean for --json. Input typed ahead (two
// passwords pasted at once) is kept for the next prompt.
import { CliError } from "../errors.ts";
import type { CliIo, InputStream } from "./io.ts";

const typedAhead = new WeakMap<InputStream, string>();

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const CTRL_U = "\u0015";
const ESC = "\u001b";
const BACKSPACE = new Set(["\u007f", "\b"]);

/** Asks `question` and reads one line from the terminal without echoing it. */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  const raw = typeof stdin.setRawMode === "function";
  if (raw) stdin.setRawMode?.(true);
  return new Promise<string>((resolve, reject) => {
    let line = "";
    let done = false;
    // Inside an escape sequence (arrow keys: ESC [ A): dropped up to its final letter.
    let sequence: "" | "esc" | "csi" = "";
    const finish = (rest: string, err: Error | undefined): void => {
      done = true;
      stdin.removeListener("data", onData);
      stdin.removeListener("end", onEnd);
      stdin.removeListener("error", onError);
      stdin.pause();
      if (raw) stdin.setRawMode?.(false);
      typedAhead.set(stdin, rest);
      stderr.write("\n");
      if (err === undefined) resolve(line);
      else reject(err);
    };
    const consume = (text: string): void => {
      const chars = Array.from(text);
      for (const [i, ch] of chars.entries()) {
        if (ch === "\r" || ch === "\n") {
          const after = chars.slice(i + 1).join("");
          finish(ch === "\r" && after.startsWith("\n") ? after.slice(1) : after, undefined);
          return;
        }
        if (sequence !== "") {
          sequence =
            sequence === "esc" && ch === "[" ? "csi" : sequence === "csi" && !/[@-~]/.test(ch) ? "csi" : "";
        } else if (ch === ESC) {
          sequence = "esc";
        } else if (ch === CTRL_C || (ch === CTRL_D && line === "")) {
          finish("", ch === CTRL_C ? new CliError("CLI_CANCELLED", "cancelled") : noInput());
          return;
        } else if (BACKSPACE.has(ch)) {
          line = Array.from(line).slice(0, -1).join("");
        } else if (ch === CTRL_U) {
          line = "";
        } else if (ch >= " ") {
          line += ch;
        }
      }
    };
    const onData = (chunk: string | Uint8Array): void => {
      consume(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
    };
    const onEnd = (): void => {
      if (!done) finish("", line === "" ? noInput() : undefined);
    };
    const onError = (err: Error): void => {
      if (!done) finish("", err);
    };
    consume(typedAhead.get(stdin) ?? "");
    if (done) return;
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
    stdin.resume();
  });
}

const noInput = (): CliError =>
  new CliError("CLI_NO_INPUT", "no input: the terminal closed before a line was entered");
