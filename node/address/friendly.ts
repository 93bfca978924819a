// TON's friendly form (specs/address.md §3): 36 bytes — flags, workchain, account id, CRC16 — in
// 48 base64 characters. Wallets show it; its checksum catches a mistyped character.
import { type Address, assertAddress } from "./address.ts";
import { crc16xmodem } from "./crc16.ts";
import { AddressError, quote } from "./errors.ts";

// §3.1 flags byte, exactly as TON.
const BOUNCEABLE = 0x11;
const NON_BOUNCEABLE = 0x51;
const TESTNET = 0x80;
const FRIENDLY_BYTES = 36;
export const FRIENDLY_CHARS = 48;

export interface FriendlyOptions {
  bounceable: boolean;
  testnet: boolean;
  /** base64url ('-', '_') when true (the default), standard base64 ('+', '/') when false. */
  urlSafe?: boolean;
}

export interface FriendlyParts {
  address: Address;
  bounceable: boolean;
  testnet: boolean;
}

export function formatFriendly(a: Address, opts: FriendlyOptions): string {
  assertAddress(a, "formatFriendly: address");
  if (typeof opts !== "object" || opts === null) throw new TypeError("formatFriendly: opts is required");
  if (typeof opts.bounceable !== "boolean" || typeof opts.testnet !== "boolean") {
    throw new TypeError("formatFriendly: opts.bounceable and opts.testnet must be booleans");
  }
  const bytes = new Uint8Array(FRIENDLY_BYTES);
  bytes[0] = (opts.bounceable ? BOUNCEABLE : NON_BOUNCEABLE) | (opts.testnet ? TESTNET : 0);
  bytes[1] = a.workchain & 0xff;
  bytes.set(a.hash, 2);
  const crc = crc16xmodem(bytes.subarray(0, 34));
  bytes[34] = crc >> 8;
  bytes[35] = crc & 0xff;
  return Buffer.from(bytes).toString(opts.urlSafe === false ? "base64" : "base64url");
}

const URL_SAFE = /^[A-Za-z0-9_-]*$/;
const STANDARD = /^[A-Za-z0-9+/]*$/;

/** Parses text that has no ':' as the friendly form, in either base64 alphabet. */
export function parseFriendly(text: string): FriendlyParts {
  // One alphabet per address: a mix is no tool's output, more likely a corrupted paste.
  if (!URL_SAFE.test(text) && !STANDARD.test(text)) {
    throw new AddressError(
      "ADDRESS_BAD_FORMAT",
      `address ${quote(text)} is neither a raw address (workchain:hex) nor a friendly one (48 base64 characters)`,
    );
  }
  if (text.length !== FRIENDLY_CHARS) {
    throw new AddressError(
      "ADDRESS_BAD_LENGTH",
      `address ${quote(text)} has ${text.length} characters; a friendly address has ${FRIENDLY_CHARS}`,
    );
  }
  const bytes = new Uint8Array(Buffer.from(text, "base64url"));
  const crc = (bytes[34] << 8) | bytes[35];
  if (crc16xmodem(bytes.subarray(0, 34)) !== crc) {
    throw new AddressError(
      "ADDRESS_BAD_CHECKSUM",
      `address ${quote(text)} has a wrong checksum; check for a typo`,
    );
  }
  const tag = bytes[0] & ~TESTNET;
  if (tag !== BOUNCEABLE && tag !== NON_BOUNCEABLE) {
    const flags = bytes[0].toString(16).padStart(2, "0");
    throw new AddressError("ADDRESS_BAD_FLAGS", `address ${quote(text)} has unknown flags 0x${flags}`);
  }
  return {
    // §3.2: the workchain byte is signed.
    address: { workchain: (bytes[1] << 24) >> 24, hash: bytes.slice(2, 34) },
    bounceable: tag === BOUNCEABLE,
    testnet: (bytes[0] & TESTNET) !== 0,
  };
}
