/**
 * `doctor`: every check of a node's facts, in the order an operator would
 * fix them (kubelet, registries, CRI-O, the API server, cached images).
 *
 * @module
 */

import type { Check } from "./check.ts";
import { kubeletChecks } from "./kubelet_checks.ts";
import type { NodeFacts } from "./node_facts.ts";
import { cachedImageChecks } from "./cached_image_checks.ts";
import { apiChecks, crioChecks, registriesChecks } from "./node_checks.ts";

/** The checks, and whether any failed. */
export interface Diagnosis {
  readonly checks: readonly Check[];
  readonly failed: boolean;
}

/**
 * Judges a node's facts.
 *
 * @example
 * ```ts ignore
 * import { diagnose } from "./diagnose.ts";
 * const { checks, failed } = diagnose(facts);
 * ```
 */
export function diagnose(facts: NodeFacts): Diagnosis {
  const config = facts.providerConfig?.config;
  const ours = config !== undefined && "value" in config
    ? config.value.providers.find((p) => p.name === facts.executableName)
    : undefined;
  const checks = [
    ...kubeletChecks(facts),
    ...registriesChecks(facts, ours?.matchImages),
    ...crioChecks(facts),
    ...apiChecks(facts),
    ...cachedImageChecks(facts, ours?.matchImages),
  ];
  return { checks, failed: checks.some((check) => check.status === "fail") };
}
