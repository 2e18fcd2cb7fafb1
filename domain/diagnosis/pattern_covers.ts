/**
 * Whether a kubelet `matchImages` pattern and a registry (a registries.conf
 * table's prefix, or a registry key) meet: the pattern names the registry or
 * something inside it, or the registry lies inside the pattern. Both sides
 * are read as registry keys are (`normalizeRegistryKey`, glob ports and
 * subdomains as `matchRegistryKey` matches them).
 *
 * @module
 */

import { matchRegistryKey, normalizeRegistryKey } from "../credentials/registry_key.ts";

/**
 * `true` when `pattern` covers `registry`, or `registry` covers `pattern` (a
 * pattern narrower than the table, `docker.io/library` within `docker.io`).
 *
 * @example
 * ```ts
 * import { covers } from "./pattern_covers.ts";
 * covers("*.example.com", "mirror.example.com"); // true
 * covers("docker.io/library", "docker.io"); // true
 * covers("quay.io", "docker.io"); // false
 * ```
 */
export function covers(pattern: string, registry: string): boolean {
  const key = normalizeRegistryKey(pattern);
  if (key !== undefined && matchRegistryKey(key, registry) !== undefined) return true;
  const table = normalizeRegistryKey(registry);
  return table !== undefined && matchRegistryKey(table, pattern) !== undefined;
}
