// The bounce phase (ledger §6.6): a failed bounceable message returns what is left of its value,
// less the forward fee of the return, with its original body and why it failed.
import { encode, t } from "../codec/index.ts";
import { BOUNCE_TAG, type Fees, forwardFee, Message } from "../ledger/index.ts";

export function bounceMessage(
  msg: Extract<Message, { kind: "internal" }>,
  reason: { phase: number; exitCode: number },
  available: bigint,
  at: { lt: bigint; now: bigint; fees: Fees },
): { message: Extract<Message, { kind: "internal" }>; fwdFee: bigint } | null {
  const body = encode(t.vmValue, [BOUNCE_TAG, msg.body, BigInt(reason.phase), BigInt(reason.exitCode)]);
  const message: Extract<Message, { kind: "internal" }> = {
    kind: "internal",
    src: msg.dest,
    dest: msg.src,
    value: 0n,
    fwdFee: 0n,
    bounce: false,
    bounced: true,
    body,
    init: null,
    createdLt: 0n,
    createdAt: at.now,
  };
  const fwd = forwardFee(at.fees, BigInt(encode(Message, message).length));
  if (available <= fwd) return null;
  return { message: { ...message, value: available - fwd, fwdFee: fwd, createdLt: at.lt }, fwdFee: fwd };
}
