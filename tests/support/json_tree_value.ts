/**
 * A JSON tree of `domain/text/json_document.ts` as plain values, to compare
 * with `JSON.parse` (`tests/domain/text/json_document*_test.ts`).
 */

import type { JsonNode } from "../../domain/text/json_document.ts";

/** A tree as plain values: the last of repeated keys wins, in the place of the first (as JSON.parse). */
export function treeValue(node: JsonNode): unknown {
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
