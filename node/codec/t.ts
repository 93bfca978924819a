// The schema combinators, gathered under one name so call sites read `t.struct(…)`, `t.u64`.
import { bytes, string, varBytes } from "./blobs.ts";
import { list, optional, sortedMap } from "./collections.ts";
import { int257 } from "./int257.ts";
import { bool, i64, u8, u16, u32, u64 } from "./scalars.ts";
import { struct, variant } from "./struct.ts";
import { vmValue } from "./vmValue.ts";

export const t = {
  u8,
  u16,
  u32,
  u64,
  i64,
  int257,
  bool,
  bytes,
  varBytes,
  string,
  list,
  optional,
  struct,
  variant,
  sortedMap,
  vmValue,
} as const;
