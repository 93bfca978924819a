// A command's result, printed once: human text, or with --json exactly one JSON object on stdout
// (bigints as decimal strings, so no amount loses precision in a JSON reader).
import type { TextSink } from "../io/index.ts";

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Output {
  readonly json: boolean;
  /** Prints the result: `data` under --json, else `human()`. Once per command. */
  result(data: JsonObject, human: () => string): void;
}

export function toJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

export function createOutput(stdout: TextSink, json: boolean): Output {
  let printed = false;
  return {
    json,
    result(data, human) {
      if (printed) throw new Error("Output.result: a command prints one result");
      printed = true;
      const text = json ? toJson(data) : human();
      stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
  };
}

/** Rows as aligned columns, two spaces apart; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "))
    .join("\n");
}
