// cli/output: how results are printed, for people or (with --json) for programs.
export { createOutput, formatTable, type JsonObject, type JsonValue, type Output, toJson } from "./output.ts";
