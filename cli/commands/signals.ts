// Ending a command that runs until told (`testnet up`, `testnet logs --follow`): SIGINT, SIGTERM
// or SIGHUP (the terminal closing) aborts its signal once, and the listeners go when it ends, so
// a program run in-process (the tests) keeps no handler behind.
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface StopOnSignals {
  signal: AbortSignal;
  /** Resolves when a signal came. */
  stopped: Promise<void>;
  dispose(): void;
}

export function stopOnSignals(): StopOnSignals {
  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) => {
    controller.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const onSignal = () => controller.abort();
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    stopped,
    dispose: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    },
  };
}
