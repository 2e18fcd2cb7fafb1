import { assertEquals } from "../../support/assert.ts";
import { goDecodeUtf8, goTrimSpace } from "../../../domain/text/go_text.ts";

Deno.test("goTrimSpace() trims what Go's unicode.IsSpace calls space", async (t) => {
  const rows: readonly [string, string, string][] = [
    ["ASCII white space", " \t\n\v\f\rabc\r\n ", "abc"],
    ["U+0085 and U+00A0, which Go trims", "\u0085\u00a0abc\u00a0", "abc"],
    ["Unicode spaces", "\u2000\u3000abc\u2028\u2029", "abc"],
    ["a byte-order mark, which Go keeps", "\ufeffabc\ufeff", "\ufeffabc\ufeff"],
    ["inner spaces stay", " a b ", "a b"],
    ["only spaces", " \n ", ""],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(`goTrimSpace() with ${name}`, () => assertEquals(goTrimSpace(text), expected));
  }
});

Deno.test("goDecodeUtf8() replaces each byte Go cannot read, keeps a byte-order mark", async (t) => {
  const rows: readonly [string, number[], string][] = [
    ["valid UTF-8", [0x61, 0xc3, 0xa9], "aé"],
    ["a cut-short sequence: one U+FFFD per byte", [0x61, 0xe2, 0x82, 0x62], "a\ufffd\ufffdb"],
    ["an encoded surrogate", [0xed, 0xa0, 0x80], "\ufffd\ufffd\ufffd"],
    ["an overlong encoding", [0xc0, 0x80], "\ufffd\ufffd"],
    ["a byte-order mark", [0xef, 0xbb, 0xbf, 0x7b], "\ufeff{"],
  ];
  for (const [name, bytes, expected] of rows) {
    await t.step(`goDecodeUtf8() with ${name}`, () => {
      assertEquals(goDecodeUtf8(new Uint8Array(bytes)), expected);
    });
  }
});
