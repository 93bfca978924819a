// The shape every benchmark file follows, and the helpers they share. `npm run bench` prints one
// JSON line per benchmark: {"bench": name, "value": n, "unit": u, ...parameters}.
import { bundleToRun } from "../cli/bundle/current.ts";

export interface BenchResult {
  value: number;
  unit: string;
  [parameter: string]: string | number | boolean;
}

export interface Benchmark {
  name: string;
  run: () => Promise<BenchResult> | BenchResult;
}

/** Runs `fn` repeatedly for about `durationMs` (after a short warm-up) and returns calls per second. */
export function opsPerSecond(fn: () => unknown, durationMs = 1500): number {
  const warmUntil = performance.now() + Math.min(300, durationMs / 5);
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 64; i++) fn();
    calls += 64;
    now = performance.now();
  }
  return Math.round((calls * 1000) / (now - start));
}

/** Stops a node process: SIGTERM, SIGKILL if it is still there after 10 s. */
export function stopChild(child: import("node:child_process").ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

/**
 * What the `gram` processes a benchmark starts run: the bundle (cli/bundle) or, when it is out of
 * date or GRAM_SOURCES=1, the sources. Said beside their figures, whose start-up costs differ.
 */
export function withGramCode(benchmarks: Benchmark[]): Benchmark[] {
  const code = bundleToRun(new URL("../", import.meta.url), process.env) !== null ? "bundle" : "sources";
  return benchmarks.map((b) => ({ ...b, run: async () => ({ ...(await b.run()), gram: code }) }));
}

/** GRAM_BENCH_NODE_FLAGS: more Node flags for the nodes a bench starts, e.g. --perf-basic-prof for perf. */
export function nodeFlags(): string[] {
  return (process.env.GRAM_BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
}
