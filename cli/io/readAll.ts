// Piped input (`echo words | gram wallet import NAME`), read whole with a cap so a wrong pipe
// cannot fill memory.
import { CliError } from "../errors.ts";
import type { InputStream } from "./io.ts";

export async function readAll(stdin: InputStream, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) {
      throw new CliError("CLI_INPUT_TOO_LARGE", `standard input is longer than ${maxBytes} bytes`);
    }
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}
