// Runs every vector in specs/vectors/codec: each valid value must encode to exactly its hex and
// decode back, each invalid hex must be refused with its code. Unknown files or shapes fail.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CodecError, decode, encode, hashOf } from "./index.ts";
import { buildSchema, type SchemaExpr, valueFromJson } from "./testing.ts";

interface VectorFile {
  description: string;
  schemas: Record<string, SchemaExpr>;
  valid: Array<{ schema: string; value: unknown; hex: string; note: string }>;
  invalid: Array<{ schema: string; hex: string; code: string; note: string }>;
}

const dir = new URL("../../specs/vectors/codec/", import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith(".json"));
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

test("the vector directory holds the files this runner expects", () => {
  expect(files.sort()).toEqual([
    "int257.json",
    "scalars.json",
    "sortedMap.json",
    "transfer.json",
    "variant.json",
    "vmValue.json",
  ]);
});

describe.each(files)("%s", (file) => {
  const doc = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as VectorFile;
  const schemas = Object.fromEntries(
    Object.entries(doc.schemas).map(([name, expr]) => [name, buildSchema(expr)]),
  );
  test("has only the fields this runner reads", () => {
    expect(Object.keys(doc).sort()).toEqual(["description", "invalid", "schemas", "valid"]);
    for (const v of doc.valid) expect(Object.keys(v).sort()).toEqual(["hex", "note", "schema", "value"]);
    for (const v of doc.invalid) expect(Object.keys(v).sort()).toEqual(["code", "hex", "note", "schema"]);
  });
  const schemaOf = (name: string) => {
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`${file}: no schema ${name}`);
    return schema;
  };

  test.each(doc.valid.map((v) => [v.note, v] as const))("encodes and decodes: %s", (_note, vector) => {
    const schema = schemaOf(vector.schema);
    const value = valueFromJson(doc.schemas[vector.schema], vector.value);
    const bytes = encode(schema, value);
    expect(toHex(bytes)).toBe(vector.hex);
    expect(decode(schema, fromHex(vector.hex))).toEqual(value);
    expect(hashOf(schema, value)).toEqual(
      new Uint8Array(createHash("sha256").update(fromHex(vector.hex)).digest()),
    );
  });

  test.each(doc.invalid.map((v) => [v.note, v] as const))("refuses: %s", (_note, vector) => {
    const schema = schemaOf(vector.schema);
    let thrown: unknown;
    try {
      decode(schema, fromHex(vector.hex));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodecError);
    expect((thrown as CodecError).code).toBe(vector.code);
  });
});
