/**
 * Which `[[registry]]` table serves a reference: containers/image's
 * `refMatchingPrefix`, `refMatchingSubdomainPrefix` and
 * `findRegistryWithParsedConfig`, quirks included.
 *
 * @module
 */

import type { RegistriesConf, Registry } from "./registries_model.ts";

// A prefix match must end where a name component, tag or digest ends.
const BOUNDARY = new Set([":", "/", "@"]);

/**
 * Whether a table prefix is a subdomain wildcard (`*.example.com`).
 *
 * @example
 * ```ts
 * import { isWildcardPrefix } from "./registry_match.ts";
 * isWildcardPrefix("*.example.com"); // true
 * isWildcardPrefix("example.*.com"); // false: any other "*" is a literal character
 * ```
 */
export function isWildcardPrefix(prefix: string): boolean {
  return prefix.startsWith("*.");
}

/**
 * The length of the part of `ref` that `prefix` matches, or -1.
 *
 * `ref` is a registry, repository or full reference that starts with an
 * explicit host (`docker.io/library/nginx`, never `nginx`). Rules:
 * - `*.example.com` matches any subdomain (`a.b.example.com`), not `example.com`
 *   itself; the first occurrence of `.example.com` must end the host, and the
 *   returned length is that of the host, so a port and path carry over;
 * - any other prefix matches itself, or a longer `ref` whose next character is
 *   `:`, `/` or `@`. So `example.com` also matches `example.com:5000/x`,
 *   which containers/image calls unintended but ships, and so do we.
 *
 * @example
 * ```ts
 * import { refMatchingPrefix } from "./registry_match.ts";
 * refMatchingPrefix("docker.io/library/nginx", "docker.io"); // 9
 * refMatchingPrefix("docker.iox/nginx", "docker.io"); // -1
 * refMatchingPrefix("a.example.com:5000/x", "*.example.com"); // 13
 * ```
 */
export function refMatchingPrefix(ref: string, prefix: string): number {
  if (isWildcardPrefix(prefix)) {
    const suffix = prefix.slice(1);
    const index = ref.indexOf(suffix);
    if (index === -1 || ref.slice(0, index).includes("/")) return -1;
    const end = index + suffix.length;
    return end === ref.length || BOUNDARY.has(ref[end] ?? "") ? end : -1;
  }
  if (ref.length < prefix.length || !ref.startsWith(prefix)) return -1;
  if (ref.length === prefix.length) return prefix.length;
  return BOUNDARY.has(ref[prefix.length] ?? "") ? prefix.length : -1;
}

/**
 * The table with the longest matching prefix, or `undefined`.
 *
 * Length is that of the prefix string (`*.example.com` counts 13). On a tie the
 * table that sorts first wins, and `*` sorts before letters, so a wildcard beats
 * an exact host of the same length, exactly as in containers/image.
 *
 * @example
 * ```ts
 * import { findRegistry } from "./registry_match.ts";
 * import { loadRegistriesConf } from "./registries_conf.ts";
 * const conf = loadRegistriesConf({
 *   main: { path: "registries.conf", text: '[[registry]]\nlocation = "docker.io"\n' },
 *   dropIns: [],
 * });
 * findRegistry(conf, "docker.io/library/nginx")?.prefix; // "docker.io"
 * ```
 */
export function findRegistry(conf: RegistriesConf, ref: string): Registry | undefined {
  let best: Registry | undefined;
  for (const registry of conf.registries) {
    if (
      refMatchingPrefix(ref, registry.prefix) !== -1 &&
      registry.prefix.length > (best?.prefix.length ?? 0)
    ) {
      best = registry;
    }
  }
  return best;
}
