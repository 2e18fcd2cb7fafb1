/**
 * How Go's `encoding/json` matches a JSON object key to a struct field: the
 * field whose name equals the key, else the one whose name equals it under
 * Go's folding (`encoding/json/fold.go`, Go 1.21+: ASCII letters fold to
 * upper case, any other rune to the smallest rune of its
 * `unicode.SimpleFold` orbit). So `"Username"`, `"USERNAME"` and even
 * `"uſername"` (U+017F) all set the field `username`; kubelet and
 * containers/image read their files this way.
 *
 * @module
 */

// The only non-ASCII runes whose SimpleFold orbit holds an ASCII letter (checked over the
// whole BMP against Go 1.26): U+017F ſ (orbit S s ſ) and U+212A K (orbit K k K). İ and ı
// have no simple folding in Unicode and fold to themselves.
const NON_ASCII_FOLDS: Readonly<Record<string, string>> = {
  "\u017f": "S",
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
