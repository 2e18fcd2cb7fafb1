/**
 * How Go's `encoding/json` matches a JSON object key to a struct field: the
 * field whose name equals the key, else the one whose name equals it under
 * `bytes.EqualFold` (Go 1.21+ `encoding/json/fold.go`: ASCII letters fold to
 * upper case, other runes to `unicode.ToUpper(unicode.ToLower(r))`). So
 * `"Username"`, `"USERNAME"` and even `"uſername"` (U+017F) all set the
 * field `username`; kubelet and containers/image read their files this way.
 *
 * @module
 */

// The only non-ASCII runes that Go folds onto an ASCII letter (UnicodeData simple mappings):
// U+017F ſ → S, U+0131 ı → I, U+0130 İ → i → I, U+212A K (Kelvin) → k → K.
const NON_ASCII_FOLDS: Readonly<Record<string, string>> = {
  "\u017f": "S",
  "\u0131": "I",
  "\u0130": "I",
  "\u212a": "K",
};

/**
 * Folds `name` as Go's `foldName` does, for comparison with ASCII field names
 * (a rune that cannot fold onto ASCII is kept, so it never matches one).
 *
 * @example
 * ```ts
 * import { goFoldName } from "./go_json_fields.ts";
 * goFoldName("auths"); // "AUTHS"
 * goFoldName("uſername"); // "USERNAME"
 * ```
 */
export function goFoldName(name: string): string {
  let folded = "";
  for (const rune of name) {
    folded += rune >= "a" && rune <= "z" ? rune.toUpperCase() : NON_ASCII_FOLDS[rune] ?? rune;
  }
  return folded;
}

/**
 * The struct field a JSON key sets, or `undefined` when it sets none (Go
 * ignores unknown keys). `fields` are the fields' JSON names, all ASCII.
 *
 * @example
 * ```ts
 * import { goJsonField } from "./go_json_fields.ts";
 * goJsonField("Password", ["username", "password"]); // "password"
 * goJsonField("pass", ["username", "password"]); // undefined
 * ```
 */
export function goJsonField<F extends string>(key: string, fields: readonly F[]): F | undefined {
  const exact = fields.find((field) => field === key);
  if (exact !== undefined) return exact;
  const folded = goFoldName(key);
  return fields.find((field) => goFoldName(field) === folded);
}
