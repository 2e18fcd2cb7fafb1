/**
 * One line describing an error and its causes, as Go's `%w` wrapping reads:
 * `outer: inner: innermost`. A cause whose text the wrapper already repeats
 * is not repeated again.
 *
 * @example
 * ```ts
 * import { errorChain } from "./error_chain.ts";
 * errorChain(new Error("Cannot read file \"/x\"", { cause: new Error("permission denied") }));
 * // 'Cannot read file "/x": permission denied'
 * ```
 */
export function errorChain(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  for (
    let cause = error instanceof Error ? error.cause : undefined;
    cause !== undefined;
    cause = cause instanceof Error ? cause.cause : undefined
  ) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (!text.includes(message)) text += `: ${message}`;
  }
  return text.replaceAll("\n", "; ");
}
