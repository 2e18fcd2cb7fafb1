import { assertEquals } from "../../support/assert.ts";
import { goQuote } from "../../../domain/text/go_quote.ts";

Deno.test("goQuote() matches Go's strconv.Quote", async (t) => {
  const rows: readonly [string, string][] = [
    ["docker.io", '"docker.io"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["tab\tnl\n", '"tab\\tnl\\n"'],
    ["\x07\x0b\x1b\x7f", '"\\a\\v\\x1b\\x7f"'],
  ];
  for (const [input, expected] of rows) {
    await t.step(`goQuote() ${expected}`, () => assertEquals(goQuote(input), expected));
  }
});
