// node/address: account addresses in the raw (`wc:hex64`) and TON friendly forms, parsed and
// printed exactly as TON tools do. Rules in specs/address.md.
export {
  type Address,
  addressEquals,
  BASECHAIN,
  MASTERCHAIN,
  MAX_WORKCHAIN,
  MIN_WORKCHAIN,
} from "./address.ts";
export { crc16xmodem } from "./crc16.ts";
export { AddressError, type AddressErrorCode } from "./errors.ts";
export { type FriendlyOptions, formatFriendly } from "./friendly.ts";
export { type ParsedAddress, parseAddress } from "./parse.ts";
export { formatRaw } from "./raw.ts";
