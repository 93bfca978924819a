// Bounds for every wait on the network: a timer and the node's close signal, combined, so that no
// read, write, dial or handler can hold a stream or a caller forever.
import { setMaxListeners } from "node:events";

/** A signal that fires after `ms` or when `closed` fires, whichever is first. */
export function deadline(ms: number, closed: AbortSignal): AbortSignal {
  const signal = AbortSignal.any([AbortSignal.timeout(ms), closed]);
  // libp2p adds a listener per layer (dial queue, muxer, multistream, byte stream).
  setMaxListeners(Number.POSITIVE_INFINITY, signal);
  return signal;
}

/** Settles like `promise`, or rejects with the signal's reason once it fires. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
