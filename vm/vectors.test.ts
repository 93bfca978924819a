// Runs every vector of specs/vectors/vm (README there says where they came from). A vector file
// this runner does not know fails the run, so no vector is silently skipped.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { assemble } from "./assembler/assemble.ts";
import { fromHex, toHex } from "./hex.ts";
import type { RunContext } from "./host.ts";
import { type RunOptions, run } from "./interpreter/run.ts";
import { OPCODES } from "./opcodes/table.ts";
import { loadProgram } from "./program.ts";
import type { Action, RunResult } from "./result.ts";
import { testHost } from "./testing.ts";
import type { Value } from "./values.ts";

const DIR = new URL("../specs/vectors/vm/", import.meta.url);
const KNOWN = [
  "actions",
  "arithmetic",
  "bits",
  "bytes",
  "code",
  "context",
  "control",
  "crypto",
  "stack",
  "storage",
  "tuples",
];

type Json = string | null | Json[];

interface Vector {
  name: string;
  asm?: string[];
  hex?: string;
  entry?: string;
  stack: Json[];
  storage?: [string, Json][];
  context?: Record<string, unknown>;
  gasLimit?: string;
  gasCredit?: string;
  expect: {
    exitCode: number;
    gasUsed: string;
    stack: Json[];
    storage?: [string, Json][];
    actions?: Record<string, Json | number>[];
    accepted?: boolean;
  };
}

function bytes(s: string): Uint8Array {
  const b = s.startsWith("0x") ? fromHex(s.slice(2)) : null;
  if (b === null) throw new Error(`vector: bad bytes ${s}`);
  return b;
}

/** Vector JSON: a decimal string is an Int, "0x…" Bytes, an array a Tuple, null Null. */
function fromJson(v: Json): Value {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(fromJson);
  if (/^-?[0-9]+$/.test(v)) return BigInt(v);
  return bytes(v);
}

function toJson(v: Value): Json {
  if (v === null) return null;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `0x${toHex(v)}`;
  return v.map(toJson);
}

function actionJson(a: Action): Record<string, Json | number> {
  switch (a.type) {
    case "send":
      return {
        type: "send",
        dest: toJson(a.dest),
        value: a.value.toString(),
        body: toJson(a.body),
        mode: a.mode,
        ...(a.init === undefined
          ? {}
          : {
              init: {
                code: toJson(a.init.code),
                data: a.init.data.map((e) => [toJson(e.key), toJson(e.value)]),
              } as unknown as Json,
            }),
      };
    case "reserve":
      return { type: "reserve", amount: a.amount.toString(), mode: a.mode };
    case "setCode":
      return { type: "setCode", code: toJson(a.code) };
    case "event":
      return { type: "event", data: toJson(a.data) };
  }
}

function codeOf(v: Vector): Uint8Array {
  if (v.hex !== undefined) return bytes(`0x${v.hex}`);
  const asm = v.asm ?? [];
  const text = asm.some((l) => l.trim().startsWith(".entry")) ? asm : [".entry recv_internal", ...asm];
  return assemble(text.join("\n"));
}

function contextOf(c: Record<string, unknown> | undefined): Partial<RunContext> {
  if (c === undefined) return {};
  const config = new Map<bigint, Value>(
    ((c.config as [string, Json][]) ?? []).map(([k, v]) => [BigInt(k), fromJson(v)]),
  );
  return {
    address: bytes(`0x${c.address as string}`),
    balance: BigInt(c.balance as string),
    msgValue: BigInt(c.msgValue as string),
    sender: bytes(`0x${c.sender as string}`),
    now: BigInt(c.now as string),
    lt: BigInt(c.lt as string),
    seed: bytes(`0x${c.seed as string}`),
    config: (id) => config.get(id) ?? null,
  };
}

function runVector(v: Vector): RunResult {
  const store = new Map((v.storage ?? []).map(([k, x]) => [k, fromJson(x)]));
  const opts: RunOptions = {
    code: codeOf(v),
    entry: v.entry ?? "recv_internal",
    stack: v.stack.map(fromJson),
    host: testHost,
    storage: { get: (k) => store.get(toHex(k)) },
    context: contextOf(v.context),
    gasLimit: BigInt(v.gasLimit ?? "1000000"),
  };
  if (v.gasCredit !== undefined) opts.gasCredit = BigInt(v.gasCredit);
  return run(opts);
}

const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

describe("vm vectors", () => {
  test("every vector file is one this runner knows, and all of them are here", () => {
    expect(files.map((f) => f.replace(/\.json$/, "")).sort()).toEqual(KNOWN);
  });

  const covered = new Set<number>();
  for (const file of files) {
    const { family, vectors } = JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as {
      family: string;
      vectors: Vector[];
    };
    describe(`${family}`, () => {
      for (const v of vectors) {
        test(v.name, () => {
          const r = runVector(v);
          expect({
            exitCode: r.exitCode,
            gasUsed: r.gasUsed.toString(),
            stack: r.stack.map(toJson),
            storage: r.storage.map((c) => [toHex(c.key), toJson(c.value)]),
            actions: r.actions.map(actionJson),
            accepted: r.accepted,
          }).toEqual({
            exitCode: v.expect.exitCode,
            gasUsed: v.expect.gasUsed,
            stack: v.expect.stack,
            storage: v.expect.storage ?? [],
            actions: v.expect.actions ?? [],
            accepted: v.expect.accepted ?? true,
          });
          expect(runVector(v)).toEqual(r);
          if (v.asm !== undefined) for (const op of loadProgram(codeOf(v)).ops) covered.add(op);
        });
      }
    });
  }

  test("every instruction has at least one vector", () => {
    const missing = OPCODES.filter((o) => !covered.has(o.byte)).map((o) => o.name);
    expect(missing).toEqual([]);
  });
});
