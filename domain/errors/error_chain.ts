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
  const line = (value: unknown) =>
    (value instanceof Error ? value.message : String(value)).replaceAll("\n", "; ");
  let text = line(error);
  const seen = new Set<unknown>([error]);
  // A cycle of causes (an error that is its own cause) ends the chain.
  for (
    let cause = error instanceof Error ? error.cause : undefined;
    cause !== undefined && !seen.has(cause);
    cause = cause instanceof Error ? cause.cause : undefined
  ) {
    seen.add(cause);
    const message = line(cause);
    if (!text.includes(message)) text += `: ${message}`;
  }
  return text;
}
