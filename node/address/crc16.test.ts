import { describe, expect, test } from "vitest";
import { crc16xmodem } from "./index.ts";

describe("crc16xmodem", () => {
  test("matches the published CRC-16/XMODEM check value", () => {
    // The CRC catalogue's check: CRC of the ASCII bytes "123456789" is 0x31C3.
    expect(crc16xmodem(new TextEncoder().encode("123456789"))).toBe(0x31c3);
  });

  test("is 0 for no bytes and for zero bytes, as the register starts at 0", () => {
    expect(crc16xmodem(new Uint8Array(0))).toBe(0);
    expect(crc16xmodem(new Uint8Array(34))).toBe(0);
  });

  test("detects every single-bit change in a 34-byte address body", () => {
    const body = new Uint8Array(34).map((_, i) => (i * 37 + 11) & 0xff);
    const crc = crc16xmodem(body);
    for (let bit = 0; bit < 34 * 8; bit++) {
      const changed = body.slice();
      changed[bit >> 3] ^= 0x80 >> (bit & 7);
      expect(crc16xmodem(changed)).not.toBe(crc);
    }
  });

  test("throws TypeError for a non-Uint8Array", () => {
    expect(() => crc16xmodem([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
