// Keeps the node connected to its bootstrap peers: a peer that restarts (same key, same port)
// is found again within about a second, without a discovery service. Banned peers are left
// alone until their ban ends.
import type { Logger } from "pino";
import { REDIAL_BASE_MS, REDIAL_MAX_MS, REDIAL_TICK_MS } from "./options.ts";

export interface BootstrapTarget {
  peer: string;
  address: string;
}

export interface RedialDeps {
  targets: readonly BootstrapTarget[];
  isConnected(peer: string): boolean;
  isBanned(peer: string): boolean;
  /** One bounded dial attempt; rejects on failure. */
  dial(target: BootstrapTarget): Promise<void>;
  log: Logger;
}

interface TargetState {
  target: BootstrapTarget;
  /** Consecutive failed dials, for the backoff. */
  failures: number;
  nextAttemptMs: number;
  dialling: boolean;
}

export interface Redialer {
  stop(): void;
}

/** Dials every target at once, then each disconnected one again on a short bounded backoff. */
export function startRedial(deps: RedialDeps): Redialer {
  const states: TargetState[] = deps.targets.map((target) => ({
    target,
    failures: 0,
    nextAttemptMs: 0,
    dialling: false,
  }));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const attempt = async (state: TargetState): Promise<void> => {
    state.dialling = true;
    try {
      await deps.dial(state.target);
      state.failures = 0;
      // A peer that hangs up right after accepting is not redialled in a tight loop.
      state.nextAttemptMs = Date.now() + REDIAL_BASE_MS;
    } catch (err) {
      if (stopped) return;
      state.failures++;
      state.nextAttemptMs = Date.now() + backoffMs(state.failures);
      // Expected while the peer is down: debug, and only once per outage at info.
      const level = state.failures === 1 ? "info" : "debug";
      deps.log[level]({ peer: state.target.peer, failures: state.failures, err: String(err) }, "dial failed");
    } finally {
      state.dialling = false;
    }
  };

  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    for (const state of states) {
      const { peer } = state.target;
      try {
        if (state.dialling || deps.isConnected(peer) || deps.isBanned(peer)) continue;
      } catch (err) {
        // A broken check must not end the loop for every other peer.
        deps.log.error({ peer, err }, "redial check failed");
        continue;
      }
      if (now < state.nextAttemptMs) continue;
      void attempt(state);
    }
    timer = setTimeout(tick, REDIAL_TICK_MS);
    timer.unref();
  };
  tick();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** 500 ms after the first failure, then 1000 ms: short enough to find a restarted peer fast. */
export function backoffMs(failures: number): number {
  return Math.min(REDIAL_MAX_MS, REDIAL_BASE_MS * 2 ** Math.max(0, failures - 1));
}
