/**
 * parseJson() and parseJsonTree(): strict JSON with errors that name a kind
 * and a position and never quote the text.
 *
 * The property test replays with JSON_DOCUMENT_SEED=<seed> (printed in its
 * name); JSON_DOCUMENT_CASES sets the number of documents (default 20000).
 */

import assert from "node:assert/strict";
import { assertEquals, assertThrows } from "../../support/assert.ts";
import { type JsonNode, parseJson, parseJsonTree } from "../../../domain/text/json_document.ts";

/** The kinds json_document.ts names, and nothing else: an error can quote no input. */
const KIND = "unexpected character|invalid number|expected a property name|expected a value|" +
  "expected ':'|expected ','|expected '}'|expected '\\]'|unexpected data after the value|" +
  "comments are not allowed|unterminated comment|unterminated string|unterminated number|" +
  "invalid \\\\u escape|invalid escape character|control character in string|syntax error";
const ERROR = new RegExp(
  `^invalid JSON: (?:(?:${KIND}) at line (\\d+), column (\\d+)|unexpected end of input)$`,
);

/** A tree as plain values: the last of repeated keys wins, in the place of the first (as JSON.parse). */
function treeValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const object: Record<string, unknown> = Object.create(null);
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        object[String(key?.value)] = treeValue(value!);
      }
      return object;
    }
    case "array":
      return (node.children ?? []).map(treeValue);
    default:
      return node.value;
  }
}

/** The error both parsers throw, checked to be the same safe message. */
function parseError(text: string): string {
  const error = assertThrows(() => parseJsonTree(text), SyntaxError);
  const again = assertThrows(() => parseJson(text), SyntaxError);
  assertEquals(again.message, error.message, "parseJson() and parseJsonTree() disagree");
  return error.message;
}

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

// --- property: parseJsonTree() accepts exactly what JSON.parse accepts ---

const SEED = Number(Deno.env.get("JSON_DOCUMENT_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("JSON_DOCUMENT_CASES") ?? 20000);

/** mulberry32: small, seedable, good enough to draw test documents. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Each case has its own generator, so one case replays alone. */
function caseRandom(seed: number, index: number): () => number {
  return random(seed ^ Math.imul(index + 1, 0x9e3779b9));
}

const STRINGS = [
  "",
  "a",
  "hunter2",
  '\\"',
  "\\\\",
  "\\/",
  "\\n\\t",
  "\\u0041",
  "\\u00e9",
  "\\ud83d\\ude00",
  "\\ud800",
  "\\udc00x",
  "é",
  "\u{1f600}",
  "a b",
  "\u2028",
];
const NUMBERS = [
  "0",
  "-0",
  "1",
  "-12",
  "3.25",
  "1e5",
  "1E+5",
  "2e-3",
  "-0.0e0",
  "123456789012345678901234567890",
];
const SPACES = ["", "", "", " ", "\n", "\t", "\r\n", "  "];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** A valid JSON text, with repeated keys and whitespace JSON allows. */
function validJson(next: () => number, depth = 0): string {
  const space = () => pick(next, SPACES);
  const roll = next();
  if (depth < 3 && roll < 0.3) {
    const members = Array.from(
      { length: Math.floor(next() * 4) },
      () => `${space()}"${pick(next, STRINGS)}"${space()}:${validJson(next, depth + 1)}`,
    );
    return `${space()}{${members.join(",")}${space()}}${space()}`;
  }
  if (depth < 3 && roll < 0.5) {
    const items = Array.from({ length: Math.floor(next() * 4) }, () => validJson(next, depth + 1));
    return `${space()}[${items.join(",")}${space()}]${space()}`;
  }
  if (roll < 0.7) return `${space()}"${pick(next, STRINGS)}"${space()}`;
  if (roll < 0.9) return `${space()}${pick(next, NUMBERS)}${space()}`;
  return `${space()}${pick(next, ["true", "false", "null"])}${space()}`;
}

/** What a mutation inserts or puts in place of a character. */
const FRAGMENTS = [
  '"',
  "\\",
  "\u0000",
  "\u0001",
  "\u001f",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  ",",
  "{",
  "}",
  "[",
  "]",
  ":",
  ..."0123456789",
  "e",
  "E",
  "+",
  "-",
  ".",
  "/",
  "*",
  "//",
  "/*",
  "*/",
  "\ufeff",
  " ",
  "\u00a0",
  "\u2028",
  "u",
  "\\u",
  "\\u00",
  "\\u00e9",
  "\\ud800",
  "\\udc00",
  "\ud800",
  "\udc00",
  '\\"',
  "\x7f",
  "t",
  "true",
  "nul",
  "x",
  "'",
];

/** A valid document with one to four characters inserted, deleted or replaced, or cut short. */
function mutatedJson(next: () => number): string {
  let text = validJson(next);
  const mutations = 1 + Math.floor(next() * 4);
  for (let i = 0; i < mutations; i++) {
    const at = Math.floor(next() * (text.length + 1));
    const roll = next();
    if (roll < 0.4) text = text.slice(0, at) + pick(next, FRAGMENTS) + text.slice(at);
    else if (roll < 0.65) text = text.slice(0, at) + text.slice(at + 1);
    else if (roll < 0.9) text = text.slice(0, at) + pick(next, FRAGMENTS) + text.slice(at + 1);
    else text = text.slice(0, at);
  }
  return text;
}

/** Why a string or number node differs from JSON.parse of its own text, if it does. */
function tokenFailure(node: JsonNode, text: string): string | undefined {
  if (node.type === "string" || node.type === "number") {
    const raw = text.slice(node.offset, node.offset + node.length);
    const expected = JSON.parse(raw);
    return Object.is(expected, node.value)
      ? undefined
      : `${raw} read as ${JSON.stringify(node.value)}`;
  }
  for (const child of node.children ?? []) {
    const failure = tokenFailure(child, text);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

/** Whether some object key is written with an escape (see the V8 test below). */
function hasEscapedKey(node: JsonNode, text: string): boolean {
  if (node.type === "property") {
    const key = node.children?.[0];
    if (key !== undefined && text.slice(key.offset, key.offset + key.length).includes("\\")) {
      return true;
    }
  }
  return (node.children ?? []).some((child) => hasEscapedKey(child, text));
}

/** Why parseJsonTree() is wrong about `text`, or undefined when it is right. */
function propertyFailure(text: string): string | undefined {
  let expected: unknown;
  let accepted = true;
  try {
    expected = JSON.parse(text);
  } catch {
    accepted = false;
  }
  let tree: JsonNode | undefined;
  let message: string | undefined;
  try {
    tree = parseJsonTree(text);
  } catch (error) {
    message = (error as Error).message;
  }
  if (accepted) {
    if (tree === undefined) return `JSON.parse accepts, parseJsonTree() throws ${message}`;
    // Every key, string and number alone: JSON.parse of a lone token is immune to the V8 bug.
    const token = tokenFailure(tree, text);
    if (token !== undefined) return token;
    // The whole value, where V8's JSON.parse can be trusted with the keys.
    if (hasEscapedKey(tree, text)) return undefined;
    const [ours, theirs] = [JSON.stringify(treeValue(tree)), JSON.stringify(expected)];
    return ours === theirs ? undefined : `values differ: ${ours} vs ${theirs}`;
  }
  if (message === undefined) return "JSON.parse rejects, parseJsonTree() accepts";
  let other: string | undefined;
  try {
    parseJson(text);
  } catch (error) {
    other = (error as Error).message;
  }
  if (other !== message) return `parseJson() says ${other}, parseJsonTree() says ${message}`;
  const match = ERROR.exec(message);
  if (match === null) return `not a safe message: ${message}`;
  if (match[1] !== undefined) {
    const line = text.split("\n")[Number(match[1]) - 1];
    if (line === undefined || Number(match[2]) > line.length) return `no such position: ${message}`;
  }
  return undefined;
}

Deno.test(
  `parseJsonTree() accepts exactly what JSON.parse accepts (${CASES} mutated documents, JSON_DOCUMENT_SEED=${SEED})`,
  () => {
    const failures: string[] = [];
    let accepted = 0;
    for (let index = 0; index < CASES; index++) {
      const text = mutatedJson(caseRandom(SEED, index));
      const failure = propertyFailure(text);
      if (failure !== undefined) failures.push(`case ${index} ${JSON.stringify(text)}: ${failure}`);
      try {
        JSON.parse(text);
        accepted++;
      } catch {
        // counted as rejected
      }
    }
    assert.deepStrictEqual(failures.slice(0, 20), [], `${failures.length} failures`);
    // The mutations must leave both kinds well represented, or the property says little.
    assert.ok(accepted > CASES / 10 && accepted < CASES * 0.9, `${accepted} of ${CASES} valid`);
  },
);
