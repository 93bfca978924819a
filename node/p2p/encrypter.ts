// Noise, with the stream muxer negotiated after the handshake rather than inside it. Inside it
// (noise's default "early muxer negotiation") the dialler counts the connection as open the
// moment its handshake ends, before the listener's connection gater has seen who it is: a
// banned peer would see us connect and drop every second. Negotiating afterwards costs one
// round trip per connection and makes a refused dial fail on both sides.
//
// It also takes the per-frame costs out of the connection (framing.ts): the raw connection's
// writes are merged, and the noise decoder's length reader stops building an error per chunk.
import { noise } from "@chainsafe/libp2p-noise";
import type { ConnectionEncrypter } from "@libp2p/interface";
import { cheapNoiseLengths, coalesceWrites } from "./framing.ts";

type NoiseFactory = ReturnType<typeof noise>;

export function gatedNoise(): NoiseFactory {
  const factory = noise();
  return (components) => {
    const inner = factory(components);
    type Secure = typeof inner.secureInbound;
    // Muxer negotiation skipped; the connection's writes and noise's length reader hooked.
    const hooked =
      (secure: Secure): Secure =>
      async (connection, options) => {
        coalesceWrites(connection);
        const secured = await secure(connection, { ...options, skipStreamMuxerNegotiation: true });
        cheapNoiseLengths(secured.connection);
        return secured;
      };
    const wrapped: ConnectionEncrypter<unknown> = {
      protocol: inner.protocol,
      secureInbound: hooked(inner.secureInbound.bind(inner)),
      secureOutbound: hooked(inner.secureOutbound.bind(inner)),
    };
    return wrapped as ReturnType<NoiseFactory>;
  };
}
