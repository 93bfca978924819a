// Loaded programs by code bytes: most accounts run one of a few programs, and loading one (every
// check of vm §3) cost a tenth of a wallet transfer's run, twice per transfer. Loading is a pure
// function of the bytes, so handing the VM a kept Program gives the run it would give the bytes.
import { loadProgram, type Program, VmCodeError } from "../../vm/index.ts";
import { equalBytes } from "../bytes/index.ts";

interface Kept {
  /** A private copy of the image: a caller that changes its array after loading misses. */
  image: Uint8Array;
  program: Program | null;
}

// Keyed by the array itself: the chain hands out one array per code hash, so a lookup is one
// identity check and one byte comparison, and a dropped array drops its entry.
const kept = new WeakMap<Uint8Array, Kept>();

/**
 * What to hand `run` as `code`: the loaded program, or the bytes themselves when they do not
 * load, so that the VM reports its own BAD_OPCODE as it would have.
 */
export function programOf(code: Uint8Array): Uint8Array | Program {
  const hit = kept.get(code);
  if (hit !== undefined && equalBytes(hit.image, code)) return hit.program ?? code;
  let program: Program | null = null;
  try {
    program = loadProgram(code);
  } catch (e) {
    if (!(e instanceof VmCodeError)) throw e;
  }
  kept.set(code, { image: code.slice(), program });
  return program ?? code;
}
