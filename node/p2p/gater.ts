// The connection gater that makes a ban stick: a banned peer is neither dialled nor accepted,
// whichever side starts, until its ban ends.
import type { ConnectionGater, PeerId } from "@libp2p/interface";

export function banGater(isBanned: (peer: string) => boolean): ConnectionGater {
  const denied = (peerId: PeerId) => isBanned(peerId.toString());
  return {
    denyDialPeer: denied,
    // Inbound peers are known once the noise handshake has proved their key.
    denyInboundEncryptedConnection: denied,
    // Dials by bare multiaddr learn the peer only here.
    denyOutboundEncryptedConnection: denied,
  };
}
