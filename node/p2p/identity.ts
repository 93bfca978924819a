// The node's network identity: an ed25519 libp2p key from the 32-byte node key seed, so the peer
// id stays the same across restarts and others can write it into their bootstrap lists first.
import { privateKeyFromRaw } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { keyPairFromSeed } from "../crypto/index.ts";

/** libp2p's raw ed25519 private key is the seed followed by the public key (RFC 8032 §5.1.5). */
export function privateKeyOf(nodeKey: Uint8Array): PrivateKey {
  if (!(nodeKey instanceof Uint8Array) || nodeKey.length !== 32) {
    throw new TypeError(`nodeKey must be a 32-byte Uint8Array, got ${String(nodeKey?.length)} bytes`);
  }
  const { publicKey } = keyPairFromSeed(nodeKey);
  const raw = new Uint8Array(64);
  raw.set(nodeKey, 0);
  raw.set(publicKey, 32);
  return privateKeyFromRaw(raw);
}

/** The peer id ("12D3Koo…") of a node key seed, without starting anything. */
export function peerIdOf(nodeKey: Uint8Array): string {
  return peerIdFromPrivateKey(privateKeyOf(nodeKey)).toString();
}
