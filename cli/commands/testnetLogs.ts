// `gram testnet logs`: the last lines of the validators' logs, merged in time order and prefixed
// with the node's index when there are several; `--follow` then prints what they append until
// Ctrl+C.
import { join } from "node:path";
import type { Command } from "commander";
import { followFiles, LOG_FILE, requireManifest, tailLines } from "../../testnet/index.ts";
import { type CliContext, outputOf } from "../context.ts";
import { usageError } from "../errors.ts";
import { stopOnSignals } from "./signals.ts";

export interface LogsOptions {
  dir: string;
  node?: number;
  lines: number;
  follow?: boolean;
}

interface Line {
  node: number;
  text: string;
  /** pino's `time` (ms), or the line before's when the line has none. */
  time: number;
}

/** The lines of every file in one list, by time; lines without a time stay after their predecessor. */
export function mergeByTime(perNode: { node: number; lines: string[] }[]): Line[] {
  const all: Line[] = [];
  for (const { node, lines } of perNode) {
    let time = 0;
    for (const text of lines) {
      try {
        const t = (JSON.parse(text) as { time?: unknown }).time;
        if (typeof t === "number") time = t;
      } catch {
        // not JSON: a line a crashing process wrote on stderr
      }
      all.push({ node, text, time });
    }
  }
  return all.sort((a, b) => a.time - b.time);
}

export async function logs(ctx: CliContext, cmd: Command, opts: LogsOptions): Promise<void> {
  const out = outputOf(ctx, cmd);
  if (opts.follow === true && out.json)
    throw usageError("--follow prints lines as they come and does not go with --json");
  const { manifest } = await requireManifest(opts.dir);
  if (opts.node !== undefined && opts.node >= manifest.nodes.length)
    throw usageError(
      `--node ${opts.node}: the testnet in ${opts.dir} has nodes 0..${manifest.nodes.length - 1}`,
    );
  const nodes = manifest.nodes.filter((n) => opts.node === undefined || n.index === opts.node);
  const files = nodes.map((n) => join(n.dataDir, LOG_FILE));
  const tails = await Promise.all(files.map((f) => tailLines(f, opts.lines)));
  const several = nodes.length > 1;
  const show = (node: number, text: string) => (several ? `[${node}] ${text}` : text);
  const merged = mergeByTime(tails.map((t, i) => ({ node: nodes[i].index, lines: t.lines }))).slice(
    -opts.lines,
  );
  if (opts.follow !== true) {
    out.result({ lines: merged.map((l) => ({ node: l.node, text: l.text })) }, () =>
      merged.length === 0 ? "No log lines yet." : merged.map((l) => show(l.node, l.text)).join("\n"),
    );
    return;
  }
  for (const l of merged) ctx.io.stdout.write(`${show(l.node, l.text)}\n`);
  const stop = stopOnSignals();
  try {
    await followFiles(
      files.map((file, i) => ({ file, offset: tails[i].size })),
      (i, text) => ctx.io.stdout.write(`${show(nodes[i].index, text)}\n`),
      stop.signal,
    );
  } finally {
    stop.dispose();
  }
}
