// Rewrites the generated tables of specs/vm.md from the opcode table:
// `npx node vm/tools/writeSpecTable.ts && npx biome check --write specs/vm.md`.
import { readFileSync, writeFileSync } from "node:fs";
import { updateSpec } from "../specTable.ts";

const path = new URL("../../specs/vm.md", import.meta.url);
writeFileSync(path, updateSpec(readFileSync(path, "utf8")));
