// One entry point for every text form a person or a tool may hand us (specs/address.md §4).
import type { Address } from "./address.ts";
import { AddressError } from "./errors.ts";
import { parseFriendly } from "./friendly.ts";
import { parseRaw } from "./raw.ts";

export interface ParsedAddress {
  address: Address;
  /** Set for the friendly form only: the raw form carries no flags. */
  bounceable?: boolean;
  testnet?: boolean;
  form: "raw" | "friendly";
}

export function parseAddress(text: string): ParsedAddress {
  if (typeof text !== "string")
    throw new TypeError(`parseAddress: text must be a string, got ${typeof text}`);
  const trimmed = text.trim();
  if (trimmed === "") throw new AddressError("ADDRESS_BAD_FORMAT", "the address is empty");
  if (trimmed.includes(":")) return { address: parseRaw(trimmed), form: "raw" };
  const { address, bounceable, testnet } = parseFriendly(trimmed);
  return { address, bounceable, testnet, form: "friendly" };
}
