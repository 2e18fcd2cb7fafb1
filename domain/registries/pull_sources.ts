/**
 * The endpoints containers/image tries when it pulls a reference, in order:
 * the table's mirrors (filtered by `mirror-by-digest-only` and
 * `pull-from-mirror`), then the primary location, each rewritten from the
 * table's prefix to the endpoint's location (`PullSourcesFromReference`,
 * `rewriteReference`), and whether the docker transport refuses the endpoint
 * before any connection: a rewritten reference with both a tag and a digest
 * (`newReference`), or a blocked table (`newDockerClient` looks up the
 * endpoint's own name).
 *
 * @module
 */

import {
  type ImageReference,
  parseCanonicalReference,
  referenceName,
  referenceString,
} from "./image_reference.ts";
import type { Endpoint, RegistriesConf, Registry } from "./registries_model.ts";
import { findRegistry, refMatchingPrefix } from "./registry_match.ts";

/** One endpoint containers/image tries. */
export interface PullSource {
  /** The rewritten reference, tag and digest kept. */
  readonly reference: ImageReference;
  readonly endpoint: Endpoint;
  /** `false` for the primary location, which is always last. */
  readonly mirror: boolean;
  /** containers/image refuses this endpoint: its own name matches a blocked table. */
  readonly blocked: boolean;
  /**
   * containers/image refuses this endpoint before any connection: the rewritten
   * reference has both a tag and a digest (a `location` with a tag, pulled by
   * digest; docker transport `newReference`).
   */
  readonly taggedDigest: boolean;
}

/** The docker transport's refusal of a reference with both a tag and a digest. */
export const TAGGED_DIGEST_REFUSAL =
  "Docker references with both a tag and digest are currently not supported";

/** Options for {@linkcode pullSources}. */
export interface PullSourcesOptions {
  /**
   * Treat the reference as a digest pull even without a digest, so that the
   * list shows every mirror a digest pull may use (for a name with neither tag
   * nor digest). @default whether the reference has a digest
   */
  readonly digested?: boolean;
}

/** The matched table (if any) and the endpoints tried for a reference. */
export interface PullPlan {
  readonly registry: Registry | undefined;
  readonly sources: readonly PullSource[];
}

/**
 * Rewrites `reference` from `prefix` to `location`, as containers/image does.
 *
 * @example
 * ```ts
 * import { rewriteReference } from "./pull_sources.ts";
 * import { parseNormalizedReference, referenceString } from "./image_reference.ts";
 * const ref = parseNormalizedReference("example.com/foo/img:1");
 * referenceString(rewriteReference(ref, { prefix: "example.com/foo", location: "internal/bar" }));
 * // "internal/bar/img:1"
 * ```
 * @throws {SyntaxError} `rewriting reference: …` when the result is not a canonical reference
 */
export function rewriteReference(
  reference: ImageReference,
  rule: { readonly prefix: string; readonly location: string },
): ImageReference {
  const value = referenceString(reference);
  const length = refMatchingPrefix(value, rule.prefix);
  if (length === -1) {
    throw new SyntaxError(`invalid prefix '${rule.prefix}' for reference '${value}'`);
  }
  // Only a wildcard table may have no location; its endpoints keep the name.
  if (rule.location === "") return reference;
  try {
    return parseCanonicalReference(rule.location + value.slice(length));
  } catch (error) {
    throw new SyntaxError(`rewriting reference: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Plans a pull of `reference` against `conf`.
 *
 * Without a matching table the reference itself is the only source.
 *
 * @example
 * ```ts
 * import { pullSources } from "./pull_sources.ts";
 * import { loadRegistriesConf } from "./registries_conf.ts";
 * import { parseNormalizedReference } from "./image_reference.ts";
 * const conf = loadRegistriesConf({ dropIns: [], main: { path: "r.conf", text:
 *   '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\n' } });
 * pullSources(conf, parseNormalizedReference("nginx:1")).sources.length; // 2
 * ```
 * @throws {SyntaxError} when an endpoint cannot be rewritten (the whole plan fails, as in containers/image)
 */
export function pullSources(
  conf: RegistriesConf,
  reference: ImageReference,
  options: PullSourcesOptions = {},
): PullPlan {
  const registry = findRegistry(conf, referenceName(reference));
  const digested = options.digested ?? reference.digest !== undefined;
  const table = registry ?? {
    prefix: referenceString(reference),
    location: referenceString(reference),
    insecure: false,
    pullFromMirror: "",
    blocked: false,
    mirrorByDigestOnly: false,
    mirrors: [],
  } satisfies Registry;
  const mirrors = table.mirrors.filter((mirror) => {
    if (table.mirrorByDigestOnly) return digested;
    if (mirror.pullFromMirror === "digest-only") return digested;
    if (mirror.pullFromMirror === "tag-only") return !digested;
    return true;
  });
  const endpoints = [...mirrors.map((e) => ({ e, mirror: true })), { e: table, mirror: false }];
  const sources = endpoints.map(({ e, mirror }) => {
    const rewritten = rewriteReference(reference, { prefix: table.prefix, location: e.location });
    const blocked = findRegistry(conf, referenceName(rewritten))?.blocked ?? false;
    return {
      reference: rewritten,
      endpoint: { location: e.location, insecure: e.insecure, pullFromMirror: e.pullFromMirror },
      mirror,
      blocked,
      taggedDigest: rewritten.tag !== undefined && rewritten.digest !== undefined,
    };
  });
  return { registry, sources };
}
