// Gossip goes unsigned (gossipsub's StrictNoSign): every payload Gram gossips carries its own
// signatures (votes, proposals, clients' messages), so a second, per-hop peer signature bought
// nothing and cost an ed25519 check of every copy of every message, duplicates included. A
// message's id is the SHA-256 of its data, and the data is an 8-byte publish nonce before the
// payload, so a node that sends the same payload again (a resend for a peer that missed it) is
// not taken for a duplicate, while the copies of one publish that peers forward are.
import { createHash, randomBytes } from "node:crypto";

export const NONCE_BYTES = 8;

/** Numbers this node's publishes: from a random start, so a restart does not repeat its ids. */
export class PublishNonces {
  #next = new DataView(randomBytes(NONCE_BYTES).buffer).getBigUint64(0);

  wrap(payload: Uint8Array): Uint8Array {
    const data = new Uint8Array(NONCE_BYTES + payload.length);
    new DataView(data.buffer).setBigUint64(0, this.#next);
    this.#next = BigInt.asUintN(64, this.#next + 1n);
    data.set(payload, NONCE_BYTES);
    return data;
  }
}

/** The payload of a gossiped message; undefined when it is too short to hold the nonce. */
export function payloadOf(data: Uint8Array): Uint8Array | undefined {
  return data.length < NONCE_BYTES ? undefined : data.subarray(NONCE_BYTES);
}

export function messageId(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(data).digest();
}
