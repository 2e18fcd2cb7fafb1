/**
 * Waiting without `setTimeout`: in Deno 2.9 the first `setTimeout` loads
 * Node's timers module, about 10 ms of every start (measured against an empty
 * module), while `AbortSignal.timeout` uses the runtime's own timer. That
 * timer cannot be cleared and, listened to, keeps the event loop alive until
 * it fires: the entry point ends the process with `Deno.exit`, not by
 * letting the loop run dry.
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
