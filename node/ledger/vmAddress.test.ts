import { describe, expect, test } from "vitest";
import { fromVmAddress, toVmAddress, VM_ADDRESS_BYTES } from "./vmAddress.ts";

const id = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

describe("VM addresses (vm §4.10)", () => {
  test("the workchain is a big-endian i32 before the id, and reads back", () => {
    for (const workchain of [-1n, 0n]) {
      const bytes = toVmAddress({ workchain, id });
      expect(bytes.length).toBe(VM_ADDRESS_BYTES);
      const i32 = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
      expect(BigInt(i32)).toBe(workchain);
      expect(bytes.subarray(4)).toEqual(id);
      expect(fromVmAddress(bytes)).toEqual({ workchain, id });
    }
  });

  test("names no address for an unknown workchain or a wrong length", () => {
    const bytes = toVmAddress({ workchain: 0n, id });
    const other = bytes.slice();
    other[3] = 7;
    expect(fromVmAddress(other)).toBe(null);
    const far = bytes.slice();
    far[0] = 0x80;
    expect(fromVmAddress(far)).toBe(null);
    expect(fromVmAddress(bytes.subarray(1))).toBe(null);
  });
});
