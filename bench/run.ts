// npm run bench [-- prefix]: runs every benchmark whose name starts with the prefix and prints one
// JSON line per benchmark. Benchmark files register here, one import each.
import { availableParallelism } from "node:os";
import type { Benchmark } from "./harness.ts";

/** A file's benchmarks, and what it must clean up once they ran (temp dirs, open stores). */
const files: Array<() => Promise<{ benchmarks: Benchmark[]; finish?: () => Promise<void> }>> = [
  () => import("./chain.ts"),
  () => import("./codec.ts"),
  () => import("./crypto.ts"),
  () => import("./keys.ts"),
  () => import("./net.ts"),
  () => import("./state.ts"),
  () => import("./vm.ts"),
];

const prefix = process.argv[2] ?? "";
for (const load of files) {
  const { benchmarks, finish } = await load();
  try {
    for (const bench of benchmarks) {
      if (!bench.name.startsWith(prefix)) continue;
      const result = await bench.run();
      const { value, unit, ...parameters } = result;
      console.log(
        JSON.stringify({ bench: bench.name, value, unit, ...parameters, cores: availableParallelism() }),
      );
    }
  } finally {
    await finish?.();
  }
}
