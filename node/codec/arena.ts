// Where `encode` and the encodings built from parts put their bytes. Most encodings live for a
// block (a transaction, its messages, its record, an account's record) and are then written or
// dropped; one array of its own each, off V8's heap past 64 bytes, cost the block builder more
// than writing the bytes did. A chunk of 64 KiB holds a round's few hundred encodings and is
// small enough that an encoding kept by mistake does not hold much.
import { Arena } from "../bytes/index.ts";

export const encodings = new Arena(64 * 1024);
