// Names of the errors libp2p's length-prefixed reader throws, so both ends tell an oversized or
// garbled frame (the peer's fault) from a hang-up or a timeout.

const TOO_LARGE = new Set([
  // The declared length is over the cap.
  "InvalidDataLengthError",
  // The length prefix needs more bytes than the cap's own varint: its value is over the cap too.
  "InvalidDataLengthLengthError",
  // More arrived than the read buffer holds.
  "StreamBufferError",
]);

/** The frame is over our cap. */
export function tooLarge(err: unknown): boolean {
  return err instanceof Error && TOO_LARGE.has(err.name);
}

/** The length prefix is not a valid length. */
export function malformedFrame(err: unknown): boolean {
  return err instanceof Error && err.name === "InvalidMessageLengthError";
}
