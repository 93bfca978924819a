// node/codec: the canonical codec. Every protocol object has exactly one byte encoding, built
// from a schema; hash(x) = sha256(encode(x)); decode refuses anything but that one encoding.
// The wire rules are specs/codec.md.
export { decode, decodeViews, encode, hashOf } from "./codec.ts";
export { CodecError, type CodecErrorCode } from "./errors.ts";
export { encodeArrayOf, encodeStructOf } from "./parts.ts";
export type { Infer, Schema } from "./schema.ts";
export type { Cases, Fields, InferFields, InferVariant, SchemaOptions, StructSchema } from "./struct.ts";
export { t } from "./t.ts";
export type { VmValue } from "./vmLimits.ts";
