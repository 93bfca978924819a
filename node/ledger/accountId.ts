// ledger §2.2: an account's id is the hash of its initial state, so an address is known before the
// contract exists and no other code or data can be deployed at it.
import { hashOf } from "../codec/index.ts";
import { StateInit } from "./schemas.ts";

export function accountId(init: StateInit): Uint8Array {
  return hashOf(StateInit, init);
}
