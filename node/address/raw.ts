// Raw form `wc:hex64` (specs/address.md §2): what logs, RPC and the explorer print.

import { toHex } from "../bytes/index.ts";
import { type Address, assertAddress, isWorkchain, MAX_WORKCHAIN, MIN_WORKCHAIN } from "./address.ts";
import { AddressError, quote } from "./errors.ts";

export function formatRaw(a: Address): string {
  assertAddress(a, "formatRaw: address");
  return `${a.workchain}:${toHex(a.hash)}`;
}

/** Parses text known to contain ':'. */
export function parseRaw(text: string): Address {
  const parts = text.split(":");
  if (parts.length !== 2) {
    throw new AddressError("ADDRESS_BAD_FORMAT", `address ${quote(text)} has more than one ':'`);
  }
  const [wc, hex] = parts;
  // §2: canonical decimal only, so each address has one raw spelling ("-0", "00", "+1" refused).
  if (!/^(0|-?[1-9][0-9]{0,3})$/.test(wc) || !isWorkchain(Number(wc))) {
    throw new AddressError(
      "ADDRESS_BAD_WORKCHAIN",
      `address ${quote(text)}: workchain "${wc.slice(0, 12)}" is not an integer in ${MIN_WORKCHAIN}..${MAX_WORKCHAIN}`,
    );
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) {
    throw new AddressError(
      "ADDRESS_BAD_FORMAT",
      `address ${quote(text)}: the account id must be hexadecimal`,
    );
  }
  if (hex.length !== 64) {
    throw new AddressError(
      "ADDRESS_BAD_LENGTH",
      `address ${quote(text)}: the account id must be 64 hex digits, got ${hex.length}`,
    );
  }
  return { workchain: Number(wc), hash: new Uint8Array(Buffer.from(hex, "hex")) };
}
