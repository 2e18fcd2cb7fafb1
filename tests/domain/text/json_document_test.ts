/**
 * parseJson() and parseJsonTree(): strict JSON with errors that name a kind
 * and a position and never quote the text.
 *
 * This file: what they read, to Go's nesting limit and past V8's cached keys.
 * Errors are in `json_document_errors_test.ts`; the property test against
 * `JSON.parse` in `json_document_property_test.ts`.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { parseJson, parseJsonTree } from "../../../domain/text/json_document.ts";
import { treeValue } from "../../support/json_tree_value.ts";

const VALID_ROWS: readonly [string, string, unknown][] = [
  ["an object", '{"image":"docker.io/library/nginx"}', { image: "docker.io/library/nginx" }],
  ["scalars", '[true,false,null,0,-0.5,1e3,1E-2,"x"]', [
    true,
    false,
    null,
    0,
    -0.5,
    1000,
    0.01,
    "x",
  ]],
  ["escapes", '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"', '"\\/\b\f\n\r\té\u{1f600}'],
  ["a lone surrogate escape", '"\\ud800x"', "\ud800x"],
  ["whitespace JSON allows", ' \t\r\n{ "a" : [ 1 , 2 ] }\r\n', { a: [1, 2] }],
  ["a repeated key (the last wins)", '{"a":1,"b":2,"a":3}', { a: 3, b: 2 }],
  ["an empty key", '{"":1}', { "": 1 }],
  ["a huge number", "1e999", Infinity],
  ["DEL and U+2028 inside a string", '"\x7f\u2028"', "\x7f\u2028"],
];

Deno.test("parseJson() and parseJsonTree() read strict JSON", async (t) => {
  for (const [name, text, expected] of VALID_ROWS) {
    await t.step(`parseJson() with ${name}`, () => assertEquals(parseJson(text), expected));
    await t.step(`parseJsonTree() with ${name}`, () => {
      assertEquals(JSON.stringify(treeValue(parseJsonTree(text))), JSON.stringify(expected));
    });
  }
});

Deno.test("parseJsonTree() keeps repeated keys in document order", () => {
  const root = parseJsonTree('{"a":1,"A":2,"a":3}');
  assertEquals(root.type, "object");
  assertEquals(
    root.children?.map((p) => [p.children?.[0]?.value, p.children?.[1]?.value]),
    [["a", 1], ["A", 2], ["a", 3]],
  );
});

/**
 * Go's `encoding/json` accepts nesting up to 10000 levels (`scanner.go`
 * `maxNestingDepth`) and refuses deeper documents with a syntax error; the
 * parsers must do the same, never fail with a RangeError (a stack overflow).
 */
Deno.test("parseJsonTree() and parseJson() read nesting as deep as Go's encoding/json", async (t) => {
  const nested = (levels: number) => `{"x":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
  await t.step("parseJsonTree() with 10000 levels (Go's limit)", () => {
    assertEquals(parseJsonTree(nested(10000)).type, "object");
  });
  await t.step("parseJson() with 10000 levels (Go's limit)", () => {
    assertEquals(typeof parseJson(nested(10000)), "object");
  });
  await t.step("parseJsonTree() with 100000 levels throws a SyntaxError", () => {
    let thrown: unknown;
    try {
      parseJsonTree(nested(100000));
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof SyntaxError, `threw ${String(thrown)}`);
    assert.match(thrown.message, /^invalid JSON/);
  });
});

/**
 * V8 15.0 (Deno 2.9.6) JSON.parse misreads an escaped key that is not an
 * object's first key when an earlier object with the same preceding keys had
 * a key whose text equals the escaped key's first characters: it follows the
 * cached map transition after comparing the expected key with the raw,
 * still-escaped source. `{"k":1,"\\u":1}` then `{"k":1,"\u0041\u0042":2}`
 * reads the key `\u`, not `AB` (Node's V8 11.3 reads `AB`).
 */
const V8_ROWS: readonly [string, string, string, Record<string, number>][] = [
  ["\\u escapes", '{"v8_a":1,"\\\\u":1}', '{"v8_a":1,"\\u0041\\u0042":2}', { v8_a: 1, AB: 2 }],
  ["an escaped quote", '{"v8_b":1,"\\\\":1}', '{"v8_b":1,"\\"":2}', { v8_b: 1, '"': 2 }],
  ["an escaped newline", '{"v8_c":1,"\\\\":1}', '{"v8_c":1,"\\n":2}', { v8_c: 1, "\n": 2 }],
];

Deno.test("parseJson() and parseJsonTree() read escaped keys after V8 cached a look-alike key", async (t) => {
  for (const [name, earlier, text, expected] of V8_ROWS) {
    await t.step(`parseJsonTree() with ${name}`, () => {
      parseJsonTree(earlier);
      JSON.parse(earlier);
      assertEquals(JSON.stringify(treeValue(parseJsonTree(text))), JSON.stringify(expected));
    });
    await t.step(`parseJson() with ${name} (fails where JSON.parse has the V8 bug)`, () => {
      parseJson(earlier);
      assertEquals(parseJson(text), expected);
    });
  }
});
