// A round as its proposer sends it to the other validators (consensus §3.3, chain §4.6): the
// inputs that make its two blocks, and the hashes they must come out with. Each validator runs
// the messages on its own final state; the masterchain block's hash is the value consensus decides.
import { type Infer, t } from "../codec/index.ts";
import { Evidence } from "../consensus/index.ts";
import { MAX_BLOCK_TRANSACTIONS, MAX_EVIDENCE } from "./block.ts";

/** The largest external message a candidate carries (the mempool's limit is lower). */
const MAX_MESSAGE_BYTES = 64 * 1024;

export const Candidate = t.struct(
  "Candidate",
  {
    time: t.u64,
    producer: t.bytes(32),
    shardExternals: t.list(t.varBytes(MAX_MESSAGE_BYTES), MAX_BLOCK_TRANSACTIONS),
    mcExternals: t.list(t.varBytes(MAX_MESSAGE_BYTES), MAX_BLOCK_TRANSACTIONS),
    evidence: t.list(Evidence, MAX_EVIDENCE),
    shardHash: t.bytes(32),
    mcHash: t.bytes(32),
  },
  { maxBytes: 16 * 1024 * 1024 },
);
export type Candidate = Infer<typeof Candidate>;
