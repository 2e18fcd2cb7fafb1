/**
 * One line describing why external data failed a schema. `zod/mini` (used
 * for its small start-up cost) carries no message catalogue, so the text is
 * built from the issue's structured fields.
 *
 * @module
 */

import type * as z from "zod/mini";

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`;
    case "too_small":
      return issue.minimum === 1
        ? "must not be empty"
        : `must have at least ${issue.minimum} entries`;
    default:
      return issue.message;
  }
}

/**
 * The issues of a failed parse, `path: problem` each, joined by `; `.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { describeIssues } from "./schema_issues.ts";
 * const result = z.object({ image: z.string() }).safeParse({});
 * if (!result.success) describeIssues(result.error, "request"); // "image: expected string"
 * ```
 */
export function describeIssues(error: z.core.$ZodError, root: string): string {
  return error.issues.map((issue) =>
    `${issue.path.length === 0 ? root : issue.path.join(".")}: ${describeIssue(issue)}`
  ).join("; ");
}
