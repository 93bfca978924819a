// The text forms of an address the commands print, from node/address (specs/address.md).
import { type Address, formatFriendly, formatRaw } from "../../node/address/index.ts";

export interface AddressForms {
  raw: string;
  bounceable: string;
  nonBounceable: string;
  testnetBounceable: string;
  testnetNonBounceable: string;
}

export function addressForms(address: Address): AddressForms {
  return {
    raw: formatRaw(address),
    bounceable: formatFriendly(address, { bounceable: true, testnet: false }),
    nonBounceable: formatFriendly(address, { bounceable: false, testnet: false }),
    testnetBounceable: formatFriendly(address, { bounceable: true, testnet: true }),
    testnetNonBounceable: formatFriendly(address, { bounceable: false, testnet: true }),
  };
}
