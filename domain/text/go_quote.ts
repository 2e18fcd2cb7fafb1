/**
 * Go's `%q` verb (`strconv.Quote`) for the messages whose wording containers/image
 * and upstream define: double quotes, `\"` and `\\`, and Go's escapes for
 * control characters.
 *
 * @example
 * ```ts
 * import { goQuote } from "./go_quote.ts";
 * goQuote('say "hi"\n'); // '"say \\"hi\\"\\n"'
 * ```
 */
export function goQuote(value: string): string {
  return JSON.stringify(value)
    .replace(/\\u00([0-9a-f]{2})/g, (_match, hex: string) => GO_ESCAPES[hex] ?? `\\x${hex}`)
    .replaceAll("\x7f", "\\x7f");
}

// JSON already writes \b \f \n \r \t like Go; these two differ.
const GO_ESCAPES: Readonly<Record<string, string>> = { "07": "\\a", "0b": "\\v" };
