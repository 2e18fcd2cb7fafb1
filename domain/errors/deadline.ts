/**
 * The run's deadline as the core sees it: an `AbortSignal` the shell arms
 * (kubelet kills a provider after 60 s, and a killed run cannot clean up).
 * Every step the core awaits is raced against it, so that a read or an
 * `fsync` that blocks does not keep the core from removing a stale file.
 *
 * @module
 */

/** The deadline passed while a step was still running. */
export class DeadlineError extends Error {
  /** @param message what was cut short */
  constructor(message = "the run's deadline passed") {
    super(message);
    this.name = "DeadlineError";
  }
}

/**
 * `work`, or a {@linkcode DeadlineError} as soon as `deadline` aborts,
 * whichever comes first. The work itself goes on; effects that must not
 * happen late check the same signal (the auth store does).
 *
 * @example
 * ```ts
 * import { beforeDeadline } from "./deadline.ts";
 * const value = await beforeDeadline(AbortSignal.timeout(1000), Promise.resolve(42)); // 42
 * ```
 * @throws {DeadlineError} when the deadline passes first
 */
export function beforeDeadline<T>(deadline: AbortSignal, work: Promise<T>): Promise<T> {
  if (deadline.aborted) {
    work.catch(() => {}); // its outcome no longer matters
    return Promise.reject(new DeadlineError());
  }
  return new Promise<T>((resolve, reject) => {
    const expire = () => reject(new DeadlineError());
    deadline.addEventListener("abort", expire, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener("abort", expire));
  });
}
