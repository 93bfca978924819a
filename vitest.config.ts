import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{node,vm,cli,testnet,test}/**/*.test.ts"],
    reporters: ["default", "./test/countReporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
