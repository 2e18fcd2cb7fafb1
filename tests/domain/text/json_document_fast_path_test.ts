/**
 * Property: parseJsonDocument(), which reads most documents with JSON.parse,
 * gives exactly the nodes parseJsonTree() gives (members in document order,
 * repeated keys, containers past the depth read as null), on random documents
 * without escapes, the only ones it reads natively. Replays with
 * JSON_FAST_PATH_SEED=<seed> (printed in the name).
 */

import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import {
  type JsonValueNode,
  parseJsonDocument,
  parseJsonTree,
} from "../../../domain/text/json_document.ts";
import { caseRandom } from "../../support/random_json.ts";

const SEED = Number(Deno.env.get("JSON_FAST_PATH_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = 5000;

// Repeated keys, keys objects reorder ("0", "12"), "__proto__", letters in two cases.
const KEYS = ["auths", "Auths", "auth", "a", "0", "12", "4294967295", "__proto__", "é", "x y", ""];
const LEAVES = ['"v"', '""', "0", "-0", "1e5", "3.25", "true", "false", "null", '"é"'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function document(next: () => number, depth = 0): string {
  const roll = next();
  if (depth < 6 && roll < 0.45) {
    const members = Array.from(
      { length: Math.floor(next() * 4) },
      () => `"${pick(next, KEYS)}" : ${document(next, depth + 1)}`,
    );
    return `{${members.join(",")}}`;
  }
  if (depth < 6 && roll < 0.6) {
    return `[${Array.from({ length: Math.floor(next() * 3) }, () => document(next, depth + 1))}]`;
  }
  return pick(next, LEAVES);
}

/** Only what a decoder reads: type, value, children. */
function shape(node: JsonValueNode): unknown {
  return {
    type: node.type,
    ...(node.children ? { children: node.children.map(shape) } : { value: node.value }),
  };
}

Deno.test(`parseJsonDocument() reads what parseJsonTree() reads (${CASES} documents, JSON_FAST_PATH_SEED=${SEED})`, () => {
  let native = 0;
  for (let index = 0; index < CASES; index++) {
    const next = caseRandom(SEED, index);
    const text = document(next);
    // The tree's nodes carry offsets; the native path's do not.
    if (!("offset" in parseJsonDocument(text))) native++;
    for (const depth of [2, 4, 64]) {
      assertEquals(
        shape(parseJsonDocument(text, { depth })),
        shape(parseJsonTree(text, { depth })),
        `case ${index}, depth ${depth}: ${text}`,
      );
    }
  }
  // Both paths are exercised.
  assert.ok(native > CASES / 5 && native < CASES, `${native} of ${CASES} read natively`);
});
