// @libp2p/gossipsub 17 frames every outgoing RPC with it-length-prefixed's `encode.single` and
// no options, so that module's default cap of 4 MiB applies to what we *send*, whatever
// maxInboundDataLength allows us to receive: a 5 MiB message is dropped with only a debug log
// and publish() resolves to 0. The cap is a sanity check on our own output (receivers enforce
// their own limits), so raising it is safe. It is a property of the one shared module instance,
// hence process-wide, and only ever raised.
import { encode } from "it-length-prefixed";

/** it-length-prefixed's own default (MAX_DATA_LENGTH), kept as the floor. */
const LIBRARY_DEFAULT_BYTES = 4 * 1024 * 1024;

let allowedBytes = 0;

/** Lets frames of up to `maxBytes` be encoded where the caller names no cap of its own. */
export function allowOutgoingFrames(maxBytes: number): void {
  if (maxBytes <= allowedBytes) return;
  if (allowedBytes === 0) {
    const original = encode.single;
    encode.single = (chunk, options) =>
      original(chunk, {
        ...options,
        maxDataLength: options?.maxDataLength ?? Math.max(LIBRARY_DEFAULT_BYTES, allowedBytes),
      });
  }
  allowedBytes = maxBytes;
}
