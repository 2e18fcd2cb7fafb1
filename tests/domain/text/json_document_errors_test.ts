/**
 * parseJson() and parseJsonTree() errors name a kind and a position and never
 * quote the text (`json_document.ts`).
 */

import assert from "node:assert/strict";
import { assertEquals, assertThrows } from "../../support/assert.ts";
import { parseJson, parseJsonTree } from "../../../domain/text/json_document.ts";

/** The error both parsers throw, checked to be the same safe message. */
function parseError(text: string): string {
  const error = assertThrows(() => parseJsonTree(text), SyntaxError);
  const again = assertThrows(() => parseJson(text), SyntaxError);
  assertEquals(again.message, error.message, "parseJson() and parseJsonTree() disagree");
  return error.message;
}

/** [name, text, message]: every text carries `hunter2`, which no message may show. */
const ERROR_ROWS: readonly [string, string, string][] = [
  [
    "a bare word",
    '{"password":hunter2}',
    "invalid JSON: unexpected character at line 1, column 13",
  ],
  ["nothing at all", "", "invalid JSON: unexpected end of input"],
  ["only whitespace", " \n ", "invalid JSON: unexpected end of input"],
  ["a truncated object", '{"password":"hunter2"', "invalid JSON: unexpected end of input"],
  ["a truncated array", '["hunter2",', "invalid JSON: unexpected end of input"],
  [
    "an unterminated string",
    '{"password":"hunter2',
    "invalid JSON: unterminated string at line 1, column 13",
  ],
  [
    "a line break in a string",
    '{"password":"hun\nter2"}',
    "invalid JSON: unterminated string at line 1, column 13",
  ],
  [
    "a tab in a string",
    '{"password":"hun\tter2"}',
    "invalid JSON: control character in string at line 1, column 13",
  ],
  [
    "an invalid escape",
    '{"password":"hunter2\\x"}',
    "invalid JSON: invalid escape character at line 1, column 13",
  ],
  [
    "a short \\u escape",
    '{"password":"hunter2\\u12"}',
    "invalid JSON: invalid \\u escape at line 1, column 13",
  ],
  [
    "a trailing comma in an object",
    '{"password":"hunter2",}',
    "invalid JSON: expected a property name at line 1, column 23",
  ],
  [
    "a trailing comma in an array",
    '["hunter2",]',
    "invalid JSON: expected a value at line 1, column 12",
  ],
  [
    "a missing colon",
    '{"password" "hunter2"}',
    "invalid JSON: expected ':' at line 1, column 13",
  ],
  [
    "a missing comma",
    '{"user":"u" "password":"hunter2"}',
    "invalid JSON: expected ',' at line 1, column 13",
  ],
  ["a leading zero", '[01,"hunter2"]', "invalid JSON: expected ',' at line 1, column 3"],
  [
    "a number cut after '.'",
    '[1.,"hunter2"]',
    "invalid JSON: unterminated number at line 1, column 2",
  ],
  [
    "a number cut after 'e'",
    '["hunter2",1e]',
    "invalid JSON: unterminated number at line 1, column 12",
  ],
  [
    "a bare word after the value",
    '{"password":"hunter2"} x',
    "invalid JSON: unexpected character at line 1, column 24",
  ],
  [
    "data after the value",
    '{"password":"hunter2"} {}',
    "invalid JSON: unexpected data after the value at line 1, column 24",
  ],
  [
    "two values",
    '"hunter2" "hunter2"',
    "invalid JSON: unexpected data after the value at line 1, column 11",
  ],
  [
    "a line comment",
    '// hunter2\n{"a":1}',
    "invalid JSON: comments are not allowed at line 1, column 1",
  ],
  [
    "a block comment",
    '{"a":/* hunter2 */1}',
    "invalid JSON: comments are not allowed at line 1, column 6",
  ],
  [
    "a byte-order mark",
    '\ufeff{"password":"hunter2"}',
    "invalid JSON: unexpected character at line 1, column 1",
  ],
  [
    "a single quote",
    "{'password':'hunter2'}",
    "invalid JSON: unexpected character at line 1, column 2",
  ],
  [
    "a line further down",
    '{\n  "user": "u",\n  "password": hunter2\n}',
    "invalid JSON: unexpected character at line 3, column 15",
  ],
  [
    "CRLF line ends (columns count from the LF)",
    '{\r\n"password":hunter2}',
    "invalid JSON: unexpected character at line 2, column 12",
  ],
  [
    "columns in UTF-16 code units",
    '["\u{1f600}",hunter2]',
    "invalid JSON: unexpected character at line 1, column 7",
  ],
  [
    "a non-breaking space",
    '[\u00a0"hunter2"]',
    "invalid JSON: unexpected character at line 1, column 2",
  ],
  ["a vertical tab", '[\v"hunter2"]', "invalid JSON: unexpected character at line 1, column 2"],
  [
    "U+2028 between values",
    '["hunter2"\u2028]',
    "invalid JSON: unexpected character at line 1, column 11",
  ],
];

Deno.test("parseJson() and parseJsonTree() name the kind and place of an error, never the text", async (t) => {
  for (const [name, text, expected] of ERROR_ROWS) {
    await t.step(`parseJsonTree() with ${name}`, () => {
      const message = parseError(text);
      assertEquals(message, expected);
      assert.ok(!message.includes("hunter"), message);
    });
  }
});
