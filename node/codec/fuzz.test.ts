// The codec's contract under hostile input: over 100,000 random byte strings and mutations of
// valid encodings, decode either returns a value whose encoding is exactly the input, or throws
// CodecError. Any other exception, or an accepted input that re-encodes differently, fails.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { expect, test } from "vitest";
import { CodecError, decode, encode, type Schema, t, type VmValue } from "./index.ts";
import { buildSchema, type SchemaExpr, schemaExpr, valuesFor } from "./testing.ts";
import { vmValueArb } from "./vmValueTesting.ts";

const SEED = 77_001;
const INPUTS = 110_000;

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const Transfer: SchemaExpr = {
  struct: "Transfer",
  fields: [
    ["from", { bytes: 32 }],
    ["to", { bytes: 32 }],
    ["amount", "u64"],
    ["seqno", "u32"],
    ["comment", { optional: { string: 120 } }],
    ["tags", { list: "u8", maxItems: 4 }],
  ],
};
const Msg: SchemaExpr = {
  variant: "Msg",
  cases: [
    ["ping", { struct: "Ping", fields: [] }],
    [
      "pay",
      {
        struct: "Pay",
        fields: [
          ["to", { bytes: 4 }],
          ["amount", "i64"],
          ["big", "int257"],
        ],
      },
    ],
    [
      "note",
      {
        struct: "Note",
        fields: [
          ["text", { string: 40 }],
          ["refs", { list: "u16", maxItems: 20 }],
        ],
      },
    ],
  ],
};
const fixed: SchemaExpr[] = [
  Transfer,
  Msg,
  {
    struct: "Batch",
    fields: [
      ["messages", { list: Msg, maxItems: 20 }],
      ["flag", "bool"],
    ],
  },
  { sortedMap: [{ string: 8 }, { optional: "u64" }], maxEntries: 16 },
  { sortedMap: ["i64", { varBytes: 300 }], maxEntries: 4 },
  { list: "int257", maxItems: 8 },
];

interface Corpus {
  schema: Schema<unknown>;
  values: unknown[];
  encodings: Uint8Array[];
}

function corpusFor(expr: SchemaExpr, seed: number): Corpus {
  const schema = buildSchema(expr);
  const values = fc.sample(valuesFor(expr), { seed, numRuns: 40 });
  return { schema, values, encodings: values.map((v) => encode(schema, v)) };
}

const INTERESTING = [
  0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x91, 0x9f, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
  0xc7, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde,
  0xe0, 0xff,
];

/** Mutation kinds, weighted toward edits that keep the length, which reach deeper than cuts do. */
const OPERATIONS = [0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 5, 6, 6, 6, 7, 8];

function mutate(bytes: Uint8Array, other: Uint8Array, random: () => number): Uint8Array {
  let out = Array.from(bytes);
  const at = (n: number) => Math.floor(random() * n);
  const steps = 1 + at(3);
  for (let s = 0; s < steps; s++) {
    const i = at(out.length + 1);
    switch (OPERATIONS[at(OPERATIONS.length)]) {
      case 0: // flip a bit
        if (out.length > 0) out[i % out.length] ^= 1 << at(8);
        break;
      case 1: // set a random byte
        if (out.length > 0) out[i % out.length] = at(256);
        break;
      case 2: // set a byte MessagePack gives meaning to
        if (out.length > 0) out[i % out.length] = INTERESTING[at(INTERESTING.length)];
        break;
      case 3: // truncate
        out = out.slice(0, i);
        break;
      case 4: // insert bytes
        out.splice(
          i,
          0,
          ...Array.from({ length: 1 + at(3) }, () =>
            random() < 0.5 ? at(256) : INTERESTING[at(INTERESTING.length)],
          ),
        );
        break;
      case 5: // delete a range
        out.splice(i, 1 + at(4));
        break;
      case 6: {
        // change a count or length header by ±1 or to a longer form
        const headers = out.flatMap((b, j) =>
          (b >= 0x90 && b <= 0xbf) || b === 0xc4 || b === 0xd9 || b === 0xdc ? [j] : [],
        );
        if (headers.length === 0) break;
        const j = headers[at(headers.length)];
        const b = out[j];
        if (b >= 0x90 && b <= 0xbf) {
          if (random() < 0.5) out[j] = b + (random() < 0.5 ? 1 : -1);
          else out.splice(j, 1, b < 0xa0 ? 0xdc : 0xd9, ...(b < 0xa0 ? [0, b - 0x90] : [b - 0xa0]));
        } else if (j + 1 < out.length) {
          out[j + 1] = (out[j + 1] + (random() < 0.5 ? 1 : 255)) & 0xff;
        }
        break;
      }
      case 7: // duplicate a slice
        out.splice(i, 0, ...out.slice(at(out.length + 1), at(out.length + 1)));
        break;
      default: {
        // splice in a piece of another valid encoding of the same schema
        const from = at(other.length + 1);
        out.splice(i, at(8), ...Array.from(other.subarray(from, from + at(12))));
      }
    }
  }
  return Uint8Array.from(out);
}

function randomInput(random: () => number): Uint8Array {
  const length = random() < 0.9 ? Math.floor(random() * 48) : Math.floor(random() * 400);
  const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
  if (length > 0 && random() < 0.5) bytes[0] = 0x90 + Math.floor(random() * 16);
  return bytes;
}

test(`fuzz: ${INPUTS} inputs decode to a value that re-encodes identically or throw CodecError`, () => {
  const random = prng(SEED);
  const exprs = [...fixed, ...fc.sample(schemaExpr, { seed: SEED, numRuns: 40 })];
  const corpora = exprs.map((expr, i) => corpusFor(expr, SEED + i));
  const failures: string[] = [];
  const codes = new Map<string, number>();
  let accepted = 0;
  let acceptedMutations = 0;

  for (let n = 0; n < INPUTS && failures.length < 5; n++) {
    const corpus = corpora[n % corpora.length];
    const pick = Math.floor(random() * corpus.encodings.length);
    const original = corpus.encodings[pick];
    const isMutation = random() < 0.8;
    const input = isMutation
      ? mutate(original, corpus.encodings[Math.floor(random() * corpus.encodings.length)], random)
      : randomInput(random);
    const hex = Buffer.from(input).toString("hex");
    let value: unknown;
    try {
      value = decode(corpus.schema, input);
    } catch (error) {
      if (error instanceof CodecError) codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      else failures.push(`${corpus.schema.name} ${hex}: threw ${String(error)}`);
      continue;
    }
    accepted++;
    let again: Uint8Array;
    try {
      again = encode(corpus.schema, value);
    } catch (error) {
      failures.push(`${corpus.schema.name} ${hex}: decoded value does not encode: ${String(error)}`);
      continue;
    }
    if (!Buffer.from(again).equals(input))
      failures.push(`${corpus.schema.name} ${hex}: re-encodes as ${Buffer.from(again).toString("hex")}`);
    if (isMutation && Buffer.from(input).equals(original)) {
      if (!isDeepStrictEqual(value, corpus.values[pick]))
        failures.push(`${corpus.schema.name} ${hex}: decodes to another value`);
    } else if (isMutation) {
      acceptedMutations++;
    }
  }

  expect(failures).toEqual([]);
  // the fuzzer reached every stage of decode, and some mutations were other valid encodings
  for (const code of [
    "CODEC_MALFORMED",
    "CODEC_TRAILING_BYTES",
    "CODEC_TYPE",
    "CODEC_RANGE",
    "CODEC_LENGTH",
    "CODEC_UNKNOWN_TAG",
    "CODEC_UNSORTED_KEYS",
    "CODEC_BAD_UTF8",
    "CODEC_NOT_CANONICAL",
  ]) {
    expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
  }
  expect(acceptedMutations).toBeGreaterThan(100);
  expect(accepted + [...codes.values()].reduce((a, b) => a + b, 0)).toBe(INPUTS);
});

test("the fuzz corpus schemas include every combinator", () => {
  const names = new Set(fixed.map((e) => buildSchema(e).kind));
  for (const kind of ["struct", "variant", "sortedMap", "list"]) expect(names).toContain(kind);
});

const VM_INPUTS = 60_000;

/** Rewrites a byte that may be a positive fixint as a longer integer form holding the same value. */
function widenInteger(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(bytes);
  const i = Math.floor(random() * out.length);
  if (out[i] >= 0x80) return Uint8Array.from(out);
  const forms = [[0xcc], [0xcd, 0], [0xce, 0, 0, 0], [0xd0], [0xd3, 0, 0, 0, 0, 0, 0, 0]];
  out.splice(i, 1, ...forms[Math.floor(random() * forms.length)], out[i]);
  return Uint8Array.from(out);
}

test(`fuzz: ${VM_INPUTS} inputs to t.vmValue decode to a value that re-encodes identically or throw CodecError`, () => {
  const random = prng(SEED + 1);
  let deep: VmValue = [2n ** 256n - 1n];
  for (let i = 0; i < 60; i++) deep = [deep, null];
  const values: VmValue[] = [
    ...fc.sample(vmValueArb, { seed: SEED, numRuns: 60 }),
    [2n ** 64n, -(2n ** 63n) - 1n, [2n ** 256n - 1n, -(2n ** 256n)]],
    [new Array<VmValue>(16).fill(1n), new Uint8Array(300), [[[]]]],
    deep,
  ];
  const encodings = values.map((v) => encode(t.vmValue, v));
  const failures: string[] = [];
  const codes = new Map<string, number>();
  let acceptedMutations = 0;

  for (let n = 0; n < VM_INPUTS && failures.length < 5; n++) {
    const pick = Math.floor(random() * encodings.length);
    const original = encodings[pick];
    const isMutation = random() < 0.85;
    const other = encodings[Math.floor(random() * encodings.length)];
    const input = !isMutation
      ? randomInput(random)
      : random() < 0.25
        ? widenInteger(original, random)
        : mutate(original, other, random);
    const hex = Buffer.from(input).toString("hex");
    let value: VmValue;
    try {
      value = decode(t.vmValue, input);
    } catch (error) {
      if (error instanceof CodecError) codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      else failures.push(`${hex}: threw ${String(error)}`);
      continue;
    }
    const again = encode(t.vmValue, value);
    if (!Buffer.from(again).equals(input))
      failures.push(`${hex}: re-encodes as ${Buffer.from(again).toString("hex")}`);
    if (Buffer.from(input).equals(original)) {
      if (!isDeepStrictEqual(value, values[pick])) failures.push(`${hex}: decodes to another value`);
    } else if (isMutation) {
      acceptedMutations++;
    }
  }

  expect(failures).toEqual([]);
  for (const code of [
    "CODEC_MALFORMED",
    "CODEC_TRAILING_BYTES",
    "CODEC_TYPE",
    "CODEC_RANGE",
    "CODEC_LENGTH",
    "CODEC_NOT_CANONICAL",
  ]) {
    expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
  }
  expect(acceptedMutations).toBeGreaterThan(100);
});
