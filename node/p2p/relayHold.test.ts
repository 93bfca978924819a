import { TopicValidatorResult } from "@libp2p/gossipsub";
import { describe, expect, it } from "vitest";
import { holdRelays } from "./relayHold.ts";

function fakeRouter() {
  const reports: [string, string, TopicValidatorResult][] = [];
  return {
    reports,
    reportMessageValidationResult(msgId: string, source: string, acceptance: TopicValidatorResult) {
      reports.push([msgId, source, acceptance]);
    },
  };
}

/** `ms` later, and past the turn of the event loop in which the timers then due ran. */
const elapsed = async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise((resolve) => setImmediate(resolve));
};

describe("holdRelays", () => {
  it("reports a held message as accepted once the hold is over, not before", async () => {
    const router = fakeRouter();
    const relays = holdRelays(router, new AbortController().signal, 40);
    relays.hold("m1", "peer-a");
    relays.hold("m2", "peer-b");
    await elapsed(5);
    expect(router.reports).toEqual([]);
    await elapsed(100);
    expect(router.reports).toEqual([
      ["m1", "peer-a", TopicValidatorResult.Accept],
      ["m2", "peer-b", TopicValidatorResult.Accept],
    ]);
  });

  it("relays nothing once closed, whether held before or after", async () => {
    const router = fakeRouter();
    const closer = new AbortController();
    const relays = holdRelays(router, closer.signal, 10);
    relays.hold("m1", "peer-a");
    closer.abort();
    relays.hold("m2", "peer-a");
    await elapsed(60);
    expect(router.reports).toEqual([]);
  });

  it("refuses a router that cannot end a hold", () => {
    expect(() => holdRelays({}, new AbortController().signal)).toThrow(/reportMessageValidationResult/);
  });
});
