// Node records and value copies are carved out of shared chunks (node/bytes' Arena): a record of
// its own cost a malloc, a free and V8's tracking of one more off-heap buffer, and at a million
// keys that bookkeeping was a tenth of an update's CPU; carving cut it (bench state.update_1e6:
// 15.5k → 16.7k updates/s, 4 alternating pairs). Records handed to the node cache are copied
// into its slabs, so what keeps a chunk alive is the updates still being built or written.
import { Arena } from "../bytes/index.ts";

export const arena = new Arena(256 * 1024);
