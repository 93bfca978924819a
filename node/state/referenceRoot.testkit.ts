// An independent, deliberately naive computation of a state root from specs/state.md §2, used to
// check the trie and to produce the vectors in specs/vectors/state/.
import { createHash } from "node:crypto";

const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const nib = (key: Uint8Array, d: number) => (d % 2 === 0 ? key[d >> 1] >> 4 : key[d >> 1] & 15);

export function referenceRoot(
  entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>,
  depth = 0,
): Uint8Array {
  if (entries.length === 0) return new Uint8Array(32);
  if (entries.length === 1) return sha(new Uint8Array([0]), entries[0][0], sha(entries[0][1]));
  let bitmap = 0;
  const children: Uint8Array[] = [];
  for (let i = 0; i < 16; i++) {
    const group = entries.filter(([k]) => nib(k, depth) === i);
    if (group.length === 0) continue;
    bitmap |= 1 << i;
    children.push(referenceRoot(group, depth + 1));
  }
  return sha(new Uint8Array([1, bitmap >> 8, bitmap & 255]), ...children);
}
