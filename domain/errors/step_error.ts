/**
 * Errors that say which step of the run failed, as upstream's Go code wraps
 * them (`unable to get secrets: …`), keeping the cause.
 *
 * @module
 */

import { errorChain } from "./error_chain.ts";

/**
 * An error for a failed `action`, with `error` as its cause.
 *
 * @example
 * ```ts
 * import { step } from "./step_error.ts";
 * step("unable to get secrets", new Error("HTTP 500")).message; // "unable to get secrets: HTTP 500"
 * ```
 */
export function step(action: string, error: unknown): Error {
  return new Error(`${action}: ${errorChain(error)}`, { cause: error });
}
