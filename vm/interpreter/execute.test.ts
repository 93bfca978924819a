import { describe, expect, test } from "vitest";
import { assemble } from "../assembler/assemble.ts";
import { EXIT } from "../exitCodes.ts";
import { Rng } from "../fuzzGen.testkit.ts";
import { testHost } from "../testing.ts";
import { execute } from "./execute.ts";
import { referenceLoop } from "./reference.testkit.ts";
import { RECV_EXTERNAL, RECV_INTERNAL, runWith } from "./run.ts";

const EDGES = [
  "0",
  "1",
  "-1",
  "2",
  "7",
  `${2 ** 53 - 1}`,
  `${-(2 ** 53 - 1)}`,
  `${2 ** 53 - 2}`,
  `${2 ** 52 + 1}`,
  `${-(2 ** 52) - 3}`,
  `${2 ** 53}`,
  `${-(2 ** 53)}`,
  `${2n ** 255n}`,
  `${-(2n ** 256n)}`,
  `${2n ** 256n - 1n}`,
];
const PLAIN = [
  "DUP",
  "SWAP",
  "OVER",
  "DROP",
  "ADD",
  "SUB",
  "INC",
  "DEC",
  "EQ",
  "NEQ",
  "LT",
  "GT",
  "LEQ",
  "GEQ",
  "ISZERO",
  "MUL",
  "NOT",
  "NEG",
  "ABS",
  "PUSHNULL",
  "RET",
  "DEPTH",
];

/** A random program over the instructions that have inline fast paths, with edge Ints and jumps. */
function program(r: Rng): string {
  const length = 1 + r.below(40);
  const labels = 1 + r.below(4);
  const lines = [r.pick([".entry recv_internal", ".entry recv_external"])];
  const at = new Set(Array.from({ length: labels }, () => r.below(length + 1)));
  for (let i = 0; i <= length; i++) {
    if (at.has(i)) lines.push(`L${i}:`);
    if (i === length) break;
    const label = `L${r.pick([...at])}`;
    switch (r.below(8)) {
      case 0:
      case 1:
        lines.push(`PUSH ${r.pick(EDGES)}`);
        break;
      case 2:
        lines.push(r.pick([`PICK ${r.below(4)}`, `ADDINT ${r.pick(EDGES)}`, 'PUSH x"01"', "ACCEPT"]));
        break;
      case 3:
        lines.push(`${r.pick(["JMP", "JMPIF", "JMPIFNOT", "NEXT", "CALL"])} ${label}`);
        break;
      default:
        lines.push(r.pick(PLAIN));
    }
  }
  return lines.join("\n");
}

describe("execute: the inline fast paths", () => {
  test("agree with the plain table loop on 20,000 random programs: exit code, gas, steps, stack", () => {
    const r = new Rng(0x5eed);
    let ok = 0;
    const exits = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const text = program(r);
      const code = assemble(text);
      const entry = text.startsWith(".entry recv_internal") ? RECV_INTERNAL : RECV_EXTERNAL;
      const opts = { code, entry, host: testHost, gasLimit: BigInt(r.below(3000)), gasCredit: 200n };
      const fast = runWith(opts, execute);
      const plain = runWith(opts, referenceLoop);
      if (JSON.stringify(fast, big) !== JSON.stringify(plain, big))
        expect({ text, fast }, `program ${i}`).toEqual({ text, fast: plain });
      exits.add(fast.exitCode);
      if (fast.exitCode === EXIT.OK) ok++;
    }
    // The generator must reach the interesting endings, or the comparison proves little.
    expect(ok).toBeGreaterThan(1000);
    for (const code of [EXIT.OUT_OF_GAS, EXIT.STACK_UNDERFLOW, EXIT.INT_OVERFLOW, EXIT.TYPE])
      expect(exits).toContain(code);
  });
});

describe("execute: every fast path at the edges of the number range", () => {
  const binary = ["ADD", "SUB", "EQ", "NEQ", "LT", "GT", "LEQ", "GEQ"];
  const unary = ["INC", "DEC", "ISZERO", "NEXT end", "JMPIF end", "JMPIFNOT end"];
  const same = (text: string) => {
    const opts = { code: assemble(text), entry: RECV_INTERNAL, host: testHost, gasLimit: 1000n };
    const fast = runWith(opts, execute);
    expect(JSON.stringify(fast, big), text).toBe(JSON.stringify(runWith(opts, referenceLoop), big));
    return fast;
  };

  test("binary instructions on every pair of edge Ints, and ADDINT with each as the immediate", () => {
    let exact = 0;
    for (const a of EDGES)
      for (const b of EDGES) {
        for (const op of binary)
          exact += same(`.entry recv_internal\nPUSH ${a}\nPUSH ${b}\n${op}\nDUP\nNEG`).exitCode === 0 ? 1 : 0;
        same(`.entry recv_internal\nPUSH ${a}\nADDINT ${b}\nDUP\nNEG`);
      }
    expect(exact).toBeGreaterThan(EDGES.length ** 2 * binary.length * 0.9);
  });

  test("unary instructions, loops and branches on every edge Int", () => {
    for (const a of EDGES)
      for (const op of unary) same(`.entry recv_internal\nPUSH ${a}\n${op}\nDUP\nNEG\nend:`);
  });
});

function big(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}
