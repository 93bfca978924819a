// A host for one block's run whose signature checks are verified on other threads while the run
// goes on (chain §4.7). A check the caching host has not seen is answered "valid" at once and
// sent out with others; the run stands only when every answer comes back valid, and is run again
// with checks inline otherwise. Either way the block is the one the run with inline checks makes.
//
// Why: a message another validator passed on is not run when it arrives (chain §7.1), so its
// signature was verified on the main thread of every node that built or checked its round, in the
// time the others wait for that round: measured, 16% of a validator's main thread under load.
import type { Host } from "../../vm/index.ts";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from "../crypto/index.ts";
import { type CachingHost, checkable, type SignatureCheck, type TakenAcceptance } from "./verifiedCache.ts";

/** Verifies checks elsewhere, answering each as node/crypto's `verify` would. */
export type RemoteVerify = (checks: readonly SignatureCheck[]) => Promise<boolean[]>;

export interface DeferringHost extends Host {
  /**
   * Sends what is left and waits for every answer: true when all were valid, so the run stands.
   * Otherwise the valid ones are kept by the caching host, with the acceptances this run took
   * from it, and the run must be made again.
   */
  settle(): Promise<boolean>;
}

export interface DeferringOptions {
  /** Checks sent together: one message to a worker per this many, so it starts on them early. */
  chunk?: number;
  /**
   * Bytes of checks held for their answers at most (each keeps a copy of its message): past it
   * the base answers at once. A contract may have any message checked, up to its gas.
   */
  maxBytes?: number;
}

const CHUNK = 64;
const MAX_BYTES = 8 * 1024 * 1024;
const CHECK_BYTES = PUBLIC_KEY_BYTES + SIGNATURE_BYTES;

export function deferringHost(
  base: CachingHost,
  verify: RemoteVerify,
  options: DeferringOptions = {},
): DeferringHost {
  const chunk = options.chunk ?? CHUNK;
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  let waiting: SignatureCheck[] = [];
  let held = 0;
  const sent: Array<{ checks: SignatureCheck[]; answers: Promise<boolean[]> }> = [];
  const taken: TakenAcceptance[] = [];
  const send = () => {
    if (waiting.length === 0) return;
    const answers = verify(waiting);
    // A failed chunk is settle's to report; until then it must not count as unhandled.
    answers.catch(() => {});
    sent.push({ checks: waiting, answers });
    waiting = [];
  };
  return {
    sha256: base.sha256,
    hashValue: base.hashValue,
    ed25519Verify(message, publicKey, signature) {
      const kept = base.take(message, publicKey, signature);
      if (kept !== undefined) {
        taken.push(kept);
        return true;
      }
      // Refused by its shape alone, or past what may wait: the base answers at once.
      if (!checkable(message, publicKey, signature) || held + CHECK_BYTES + message.length > maxBytes)
        return base.ed25519Verify(message, publicKey, signature);
      held += CHECK_BYTES + message.length;
      // The VM may reuse its arrays after the call: the check keeps copies.
      waiting.push({ message: message.slice(), publicKey: publicKey.slice(), signature: signature.slice() });
      if (waiting.length >= chunk) send();
      return true;
    },
    async settle() {
      send();
      const answered = await Promise.all(
        sent.map(async ({ checks, answers }) => ({ checks, verdicts: await answers })),
      );
      sent.length = 0;
      held = 0;
      let valid = true;
      for (const { checks, verdicts } of answered) {
        if (verdicts.length !== checks.length)
          throw new Error("the verifier answered another number of checks");
        if (!verdicts.every((v) => v)) valid = false;
      }
      // For the run again: what was valid, and what this run took from the cache, comes back
      // from the cache; only the rest is checked.
      if (!valid) {
        base.putBack(taken);
        for (const { checks, verdicts } of answered) base.remember(checks.filter((_, i) => verdicts[i]));
      }
      taken.length = 0;
      return valid;
    },
  };
}
