/**
 * Validation of `[aliases]` tables, as containers/image checks them when it
 * loads each registries.conf file (`shortnames.go`). The provider never
 * resolves short names, but an invalid alias fails the whole load, so the
 * port must reject exactly what containers/image rejects.
 *
 * @module
 */

import { goQuote } from "../text/go_quote.ts";
import {
  type ImageReference,
  parseNormalizedReference,
  parseReference,
  referenceString,
} from "./image_reference.ts";

/** A validated alias: the fully qualified repository, or `undefined` when `""` erases it. */
export type ShortNameAliases = ReadonlyMap<string, string | undefined>;

function looksLikeRegistry(domain: string): boolean {
  return /[.:]/.test(domain) || domain === "localhost";
}

function tryParse(value: string): ImageReference | Error {
  try {
    return parseReference(value);
  } catch (error) {
    return error as Error;
  }
}

function shortNameProblem(name: string): string | undefined {
  const reference = tryParse(name);
  if (reference instanceof Error) {
    return `cannot parse short name: ${goQuote(name)}: ${reference.message}`;
  }
  if (reference.digest !== undefined) {
    return `invalid short name ${goQuote(name)}: must not contain digest`;
  }
  if (reference.tag !== undefined) {
    return `invalid short name ${goQuote(name)}: must not contain tag`;
  }
  if (looksLikeRegistry(reference.domain)) {
    return `invalid short name ${goQuote(name)}: must not contain registry`;
  }
  return undefined;
}

function aliasValue(value: string): string | { problem: string } {
  const reference = tryParse(value);
  if (reference instanceof Error) {
    return { problem: `parsing alias ${goQuote(value)}: ${reference.message}` };
  }
  const quoted = goQuote(value);
  if (reference.digest !== undefined) {
    return { problem: `invalid alias ${quoted}: must not contain digest` };
  }
  if (reference.tag !== undefined) {
    return { problem: `invalid alias ${quoted}: must not contain tag` };
  }
  if (!looksLikeRegistry(reference.domain)) {
    return { problem: `invalid alias ${quoted}: must contain registry and repository` };
  }
  return referenceString(parseNormalizedReference(value));
}

/**
 * Validates the aliases of one file. Problems are reported together, one per
 * line, as containers/image does (it lists them in Go map order; we keep the
 * file's order so the message is stable).
 *
 * @example
 * ```ts
 * import { validateShortNameAliases } from "./short_name_aliases.ts";
 * validateShortNameAliases(new Map([["ubi", "registry.access.redhat.com/ubi9"]]));
 * // throws for new Map([["image1", "quay.io/repo/image:1"]]):
 * // 'invalid alias "quay.io/repo/image:1": must not contain tag'
 * ```
 * @throws {SyntaxError} listing every invalid name or value
 */
export function validateShortNameAliases(aliases: ReadonlyMap<string, string>): ShortNameAliases {
  const result = new Map<string, string | undefined>();
  const problems: string[] = [];
  for (const [name, value] of aliases) {
    const nameProblem = shortNameProblem(name);
    if (nameProblem !== undefined) problems.push(nameProblem);
    if (value === "") {
      result.set(name, undefined);
      continue;
    }
    const parsed = aliasValue(value);
    if (typeof parsed === "string") result.set(name, parsed);
    else problems.push(parsed.problem);
  }
  if (problems.length > 0) throw new SyntaxError(problems.join("\n"));
  return result;
}
