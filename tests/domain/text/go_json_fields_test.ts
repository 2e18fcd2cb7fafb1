import { assertEquals } from "../../support/assert.ts";
import { goFoldName, goJsonField } from "../../../domain/text/go_json_fields.ts";

/**
 * Go's `encoding/json` (Go 1.21+, `fold.go`) folds an ASCII letter to upper
 * case and any other rune to the smallest rune of its `unicode.SimpleFold`
 * orbit. Only two non-ASCII runes share an orbit with an ASCII letter:
 * U+017F ſ {S, s, ſ} and U+212A K {K, k, K}. U+0130 İ and U+0131 ı have no
 * simple case folding at all (their orbits are themselves: `SimpleFold(İ) == İ`,
 * `SimpleFold(ı) == ı`), so they never match `I` or `i`, although
 * `unicode.ToUpper(unicode.ToLower(r))` is `I` for both.
 */
const FOLD_ROWS: readonly [string, string, string][] = [
  ["lower-case ASCII", "auths", "AUTHS"],
  ["upper-case ASCII", "AUTHS", "AUTHS"],
  ["mixed case", "HttpHeaders", "HTTPHEADERS"],
  ["digits and punctuation unchanged", "a-1_b.c:5000/", "A-1_B.C:5000/"],
  ["the empty name", "", ""],
  ["long s U+017F folds onto S", "u\u017fername", "USERNAME"],
  ["Kelvin sign U+212A folds onto K", "identityto\u212aen", "IDENTITYTOKEN"],
  ["dotted capital I U+0130 has no simple folding", "\u0130dentitytoken", "\u0130DENTITYTOKEN"],
  ["dotless small i U+0131 has no simple folding", "ema\u0131l", "EMA\u0131L"],
  ["a letter whose orbit is not ASCII is kept", "\u00e9", "\u00e9"],
  ["Cyrillic look-alikes are kept", "\u0430uths", "\u0430UTHS"],
  ["fullwidth letters are kept", "\uff41uths", "\uff41UTHS"],
  ["astral runes are kept", "\u{1d400}uth", "\u{1d400}UTH"],
];

Deno.test("goFoldName() folds as Go's encoding/json foldName", async (t) => {
  for (const [name, input, expected] of FOLD_ROWS) {
    await t.step(`goFoldName() with ${name}`, () => assertEquals(goFoldName(input), expected));
  }
});

const ENTRY = ["username", "password", "email", "auth", "identitytoken"] as const;
const TOP = ["auths", "HttpHeaders", "credHelpers"] as const;

const FIELD_ROWS: readonly [string, string, readonly string[], string | undefined][] = [
  ["an exact name", "username", ENTRY, "username"],
  ["a capitalised name", "Password", ENTRY, "password"],
  ["an upper-case name", "AUTH", ENTRY, "auth"],
  ["random letter case", "iDeNtItYtOkEn", ENTRY, "identitytoken"],
  ["a mixed-case field name matched in lower case", "httpheaders", TOP, "HttpHeaders"],
  ["a mixed-case field name matched in upper case", "CREDHELPERS", TOP, "credHelpers"],
  ["long s in a key", "u\u017fername", ENTRY, "username"],
  ["long s twice", "pa\u017f\u017fword", ENTRY, "password"],
  ["long s in a top-level key", "auth\u017f", TOP, "auths"],
  ["Kelvin sign for k", "identityto\u212aen", ENTRY, "identitytoken"],
  ["Kelvin sign where no k is", "\u212auth", ENTRY, undefined],
  ["dotted capital I U+0130 for i", "ema\u0130l", ENTRY, undefined],
  ["dotless small i U+0131 for i", "ema\u0131l", ENTRY, undefined],
  ["dotless i in identitytoken", "\u0131dentitytoken", ENTRY, undefined],
  ["dotted capital I in identitytoken", "\u0130DENT\u0130TYTOKEN", ENTRY, undefined],
  ["a prefix", "user", ENTRY, undefined],
  ["a trailing space", "auth ", ENTRY, undefined],
  ["a Cyrillic a", "\u0430uth", ENTRY, undefined],
  ["the empty key", "", ENTRY, undefined],
  ["auths among entry fields", "auths", ENTRY, undefined],
  ["auth among top-level fields", "auth", TOP, undefined],
  ["an exact match before a folded one", "A", ["a", "A"], "A"],
  ["the first of several folded matches", "ab", ["Ab", "AB"], "Ab"],
  ["a Kelvin-sign key for a one-letter field", "\u212a", ["k"], "k"],
];

Deno.test("goJsonField() matches keys to fields as Go's encoding/json", async (t) => {
  for (const [name, key, fields, expected] of FIELD_ROWS) {
    await t.step(
      `goJsonField() with ${name}`,
      () => assertEquals(goJsonField(key, fields), expected),
    );
  }
});
