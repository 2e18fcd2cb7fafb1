/**
 * Property: parseJsonTree() accepts exactly what JSON.parse accepts, reads
 * the same values, and fails with a safe message at a real position
 * (`json_document.ts`), on valid documents with a few characters changed
 * (`support/random_json.ts`).
 *
 * The property test replays with JSON_DOCUMENT_SEED=<seed> (printed in its
 * name); JSON_DOCUMENT_CASES sets the number of documents (default 20000).
 */

import assert from "node:assert/strict";
import { type JsonNode, parseJson, parseJsonTree } from "../../../domain/text/json_document.ts";
import { treeValue } from "../../support/json_tree_value.ts";
import { caseRandom, mutatedJson } from "../../support/random_json.ts";

/** The kinds json_document.ts names, and nothing else: an error can quote no input. */
const KIND = "unexpected character|invalid number|expected a property name|expected a value|" +
  "expected ':'|expected ','|expected '}'|expected '\\]'|unexpected data after the value|" +
  "comments are not allowed|unterminated comment|unterminated string|unterminated number|" +
  "invalid \\\\u escape|invalid escape character|control character in string|syntax error";
const ERROR = new RegExp(
  `^invalid JSON: (?:(?:${KIND}) at line (\\d+), column (\\d+)|unexpected end of input)$`,
);

const SEED = Number(Deno.env.get("JSON_DOCUMENT_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("JSON_DOCUMENT_CASES") ?? 20000);

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

/** Whether some object key is written with an escape (see the V8 test in json_document_test.ts). */
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
