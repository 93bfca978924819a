// Runs specs/vectors/chain/merkle.json: the roots of chain §2.6, computed outside the node.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { fromHex } from "../bytes/index.ts";

const hex = (text: string): Uint8Array => {
  const bytes = fromHex(text);
  if (bytes === null) throw new Error(`bad hex in the vectors: ${text}`);
  return bytes;
};

import { merklePath, merkleRoot, merkleRootOfPath } from "./block.ts";

const vectors = JSON.parse(
  readFileSync(new URL("../../specs/vectors/chain/merkle.json", import.meta.url), "utf8"),
) as Array<{ name: string; hashes: string[]; root: string }>;

describe("Merkle roots (chain §2.6)", () => {
  test.each(vectors)("$name", ({ hashes, root }) => {
    const list = hashes.map(hex);
    const want = hex(root);
    expect(merkleRoot(list)).toEqual(want);
    // Each leaf's path leads to the same root.
    for (const [i, h] of list.entries()) expect(merkleRootOfPath(h, merklePath(list, i))).toEqual(want);
  });

  test("a hash of another length is a leaf like any other, and the input is left alone", () => {
    const list = vectors[5].hashes.map(hex);
    const copies = list.map((h) => h.slice());
    const short = [...list.slice(0, 2), list[2].subarray(0, 20)];
    expect(merkleRoot(short)).toEqual(merkleRootOfPath(short[2], merklePath(short, 2)));
    expect(list).toEqual(copies);
  });
});
