/**
 * The repositories CRI-O may contact for an image, i.e. the names
 * containers/image will look credentials up under: every mirror of the
 * matching `[[registry]]` table (unfiltered: the kubelet request carries no
 * tag or digest), and the primary location, rewritten by the table's prefix.
 *
 * @module
 */

import { parseNormalizedReference, referenceName } from "./image_reference.ts";
import { rewriteReference } from "./pull_sources.ts";
import type { RegistriesConf } from "./registries_model.ts";
import { findRegistry } from "./registry_match.ts";

/** A repository containers/image contacts, and the endpoint location it comes from. */
export interface CredentialTarget {
  /** The physical repository name, e.g. `mirror.corp/dockerhub/library/nginx`. */
  readonly repository: string;
  /** The mirror's or the table's `location`, as configured. */
  readonly endpoint: string;
  readonly mirror: boolean;
}

/** Where credentials may go for one image. */
export interface CredentialTargets {
  /**
   * The locations that make a file worth writing: each mirror and, when the
   * table's `location` rewrites the prefix, that location (CRI-O pulls from
   * it, and upstream ignores it). Empty means "no mirrors".
   */
  readonly mirrors: readonly string[];
  /** Every repository to match secret keys against, mirrors first, primary last. */
  readonly targets: readonly CredentialTarget[];
}

/**
 * The credential targets of `image` (a normalized repository name).
 *
 * @example
 * ```ts
 * import { credentialTargets } from "./credential_targets.ts";
 * import { loadRegistriesConf } from "./registries_conf.ts";
 * const conf = loadRegistriesConf({ dropIns: [], main: { path: "r.conf", text:
 *   '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.corp/hub"\n' } });
 * credentialTargets(conf, "docker.io/library/nginx").targets.map((t) => t.repository);
 * // ["mirror.corp/hub/library/nginx", "docker.io/library/nginx"]
 * ```
 * @throws {SyntaxError} when containers/image could not rewrite the name for an endpoint
 */
export function credentialTargets(conf: RegistriesConf, image: string): CredentialTargets {
  const table = findRegistry(conf, image);
  if (table === undefined) return { mirrors: [], targets: [] };
  const reference = parseNormalizedReference(image);
  const rewrite = (location: string) =>
    referenceName(rewriteReference(reference, { prefix: table.prefix, location }));
  const targets: CredentialTarget[] = table.mirrors.map((mirror) => ({
    repository: rewrite(mirror.location),
    endpoint: mirror.location,
    mirror: true,
  }));
  const primary = rewrite(table.location);
  targets.push({ repository: primary, endpoint: table.location || image, mirror: false });
  const rewritten = primary !== image;
  return {
    mirrors: [...table.mirrors.map((m) => m.location), ...(rewritten ? [table.location] : [])],
    targets,
  };
}
