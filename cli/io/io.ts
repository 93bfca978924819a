// What the command reads and writes, as values: the program takes them as arguments instead of
// reaching for `process`, so tests run it in-process with strings and fake terminals.

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: InputStream;
  stdout: TextSink;
  stderr: TextSink;
}

export function isTty(stream: InputStream): boolean {
  return stream.isTTY === true;
}
