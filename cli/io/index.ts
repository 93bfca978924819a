// cli/io: the streams and environment the command runs with, the hidden terminal prompt and
// capped reads of piped input.
export { type CliIo, type InputStream, isTty, type TextSink } from "./io.ts";
export { promptHidden } from "./prompt.ts";
export { readAll } from "./readAll.ts";
