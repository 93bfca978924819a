// Prints "N passed, N failed" as the last line of every run, so CI can tell a run that ran
// no test from one that passed. The same line goes to .ci/out/count for .ci/run to repeat.
import { mkdirSync, writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) failed++;
    }
    const line = `${passed} passed, ${failed} failed`;
    mkdirSync(".ci/out", { recursive: true });
    writeFileSync(".ci/out/count", `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}
