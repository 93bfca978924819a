// Errors for bytes that are not the canonical encoding of what the schema describes. Every
// refusal in decode is one of these; anything else escaping decode is a bug in the codec.

export type CodecErrorCode =
  /** The input is longer than the schema's byte limit; nothing was parsed. */
  | "CODEC_TOO_LARGE"
  /** Not MessagePack at all: truncated, or a header that promises more bytes than exist. */
  | "CODEC_MALFORMED"
  /** A complete value followed by more bytes. */
  | "CODEC_TRAILING_BYTES"
  /** A MessagePack type the schema does not allow here (float, map, ext, nil, string for bytes…). */
  | "CODEC_TYPE"
  /** An integer outside the range of its type. */
  | "CODEC_RANGE"
  /** A wrong length: fixed-size bytes, an item count over its cap, a struct with fields missing or extra. */
  | "CODEC_LENGTH"
  /** A variant tag index with no case. */
  | "CODEC_UNKNOWN_TAG"
  /** Map keys not in strictly ascending order of their encodings (unsorted or duplicated). */
  | "CODEC_UNSORTED_KEYS"
  /** A string whose bytes are not valid UTF-8. */
  | "CODEC_BAD_UTF8"
  /** The right value in a non-minimal form (e.g. `cd 00 05` for 5), so not the one encoding. */
  | "CODEC_NOT_CANONICAL";

export class CodecError extends Error {
  readonly code: CodecErrorCode;
  /** Where in the value the fault is, e.g. `Transfer.messages[2].amount`. */
  path: string;
  /** The fault alone, without the path. */
  readonly detail: string;

  constructor(code: CodecErrorCode, detail: string, path = "") {
    super(path ? `${path}: ${detail}` : detail);
    this.name = "CodecError";
    this.code = code;
    this.detail = detail;
    this.path = path;
  }
}
