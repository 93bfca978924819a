// The gossip envelope: each publish of a payload has its own id, a forwarded copy keeps it.
import { describe, expect, it } from "vitest";
import { messageId, NONCE_BYTES, PublishNonces, payloadOf } from "./envelope.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("gossip envelope", () => {
  it("gives one payload published twice two ids, and a copy of one publish the same id", () => {
    const nonces = new PublishNonces();
    const payload = bytes("vote: height 7");
    const first = nonces.wrap(payload);
    const again = nonces.wrap(payload);
    expect(first.length).toBe(NONCE_BYTES + payload.length);
    expect(payloadOf(first)).toEqual(payload);
    expect(payloadOf(again)).toEqual(payload);
    expect(hex(messageId(first))).not.toBe(hex(messageId(again)));
    expect(hex(messageId(first.slice()))).toBe(hex(messageId(first)));
  });

  it("numbers publishes in sequence from a start that differs between nodes", () => {
    const a = new PublishNonces();
    const b = new PublishNonces();
    const nonce = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset).getBigUint64(0);
    const [a1, a2] = [nonce(a.wrap(bytes("x"))), nonce(a.wrap(bytes("x")))];
    expect(a2).toBe(BigInt.asUintN(64, a1 + 1n));
    // Two random 64-bit starts are equal once in 2^64.
    expect(nonce(b.wrap(bytes("x")))).not.toBe(a1);
  });

  it("finds no payload in data shorter than the nonce, and an empty one in the nonce alone", () => {
    expect(payloadOf(new Uint8Array(NONCE_BYTES - 1))).toBeUndefined();
    expect(payloadOf(new Uint8Array(0))).toBeUndefined();
    expect(payloadOf(new Uint8Array(NONCE_BYTES))).toEqual(new Uint8Array(0));
  });
});
