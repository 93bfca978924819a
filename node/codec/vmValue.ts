// The schema of VM values (codec §8): Null, Int, Bytes and Tuple, in one canonical encoding, for
// message bodies, contract storage and the VM's HASH. It reads and writes its own bytes
// (vmValueRead.ts, vmValueWrite.ts), so it is a root schema only: inside another schema a VM
// value travels as t.varBytes holding this encoding.
import { codecError, misuseType } from "./path.ts";
import type { Schema } from "./schema.ts";
import { VM_VALUE_MAX_BYTES, type VmValue } from "./vmLimits.ts";
import { readVmValue } from "./vmValueRead.ts";
import { writeVmValue } from "./vmValueWrite.ts";

const ROOT_ONLY =
  "t.vmValue is encoded only on its own; inside another schema carry its encoding as t.varBytes";

export const vmValue: Schema<VmValue> = {
  kind: "vmValue",
  name: "vmValue",
  maxBytes: VM_VALUE_MAX_BYTES,
  ownBytes: { write: writeVmValue, read: readVmValue },
  // the combinators refuse this schema as an item, so these run only if that check is bypassed
  toWire() {
    throw misuseType(ROOT_ONLY);
  },
  fromWire() {
    throw codecError("CODEC_TYPE", ROOT_ONLY);
  },
};
